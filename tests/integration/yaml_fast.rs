//! The YAML fast path decides speed only: wherever it answers, its document is the full
//! loader's, node for node and span for span. Checked on generated documents in the style
//! of PyYAML's emitter (and mutations of them), on the fuzz corpus, and on every YAML file
//! of the fixtures and the demo.

use std::path::Path;

use plotsql::fuzzing::{metadata, yaml_fast_path_agrees};
use proptest::prelude::*;

/// A small deterministic generator (xorshift), so that a failing seed reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Ordinary words, as most repositories hold.
const WORDS: &[&str] = &[
    "a",
    "plot",
    "Python",
    "Blue",
    "(#306998)",
    "·",
    "≈",
    "0.42",
    "1",
    "-1",
    "0.5",
    "yes",
    "no",
    "null",
    "~",
    "true",
    "2026-03-14",
    "2026-03-14T22:19:13Z",
    "1:20",
    "0x1F",
    ".inf",
    "a:b",
    "http://x.org/a#b",
    "ü",
    "(top)",
    "x,",
    "AR(2)",
    "\"quoted\"",
    "it's",
];

/// Every character and token the fast path must treat with care.
const TRICKY: &[&str] = &[
    "-", "- x", "#", "#x", ":", ": ", "?", "? x", "'", "''", "\"", "[", "]", "{", "}", ",", "&a",
    "*a", "!", "!!str", "%", "@", "`", "|", ">", "\\", "<<", "=", "...", "---", "\u{a0}", "  ",
    "[]", "{}",
];

const KEYS: &[&str] = &[
    "library",
    "score",
    "id",
    "name",
    "items",
    "review",
    "strengths",
    "tags",
    "a",
    "b",
    "x y",
    "k-1",
    "ü",
];

const TRICKY_KEYS: &[&str] = &[
    "yes", "1", "<<", "=", "a:b", "-k", "'q'", "\"d\"", "[k]", "? k", "a #b", "library", "... k",
    "--- k",
];

fn words(rng: &mut Rng, max: usize) -> String {
    let n = 1 + rng.below(max);
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(if rng.chance(90) {
            rng.pick(WORDS)
        } else {
            rng.pick(TRICKY)
        });
    }
    out
}

/// Writes a scalar after `prefix` (a key and colon, or a dash) in one of the styles
/// PyYAML's emitter uses, continuation lines indented by `indent`.
fn scalar(rng: &mut Rng, out: &mut String, indent: usize) {
    let pad = " ".repeat(indent);
    let text = words(rng, 12);
    match rng.below(10) {
        0..=3 => {
            // Plain, maybe wrapped over lines, maybe with blank lines between.
            let mut first = true;
            for chunk in text.split(' ') {
                if !first && rng.chance(20) {
                    out.push('\n');
                    if rng.chance(20) {
                        out.push('\n');
                    }
                    out.push_str(&pad);
                } else if !first {
                    out.push(' ');
                }
                out.push_str(chunk);
                first = false;
            }
        }
        4..=6 => {
            out.push('\'');
            for chunk in text.split(' ') {
                out.push_str(&chunk.replace('\'', "''"));
                if rng.chance(20) {
                    out.push('\n');
                    if rng.chance(20) {
                        out.push('\n');
                    }
                    out.push_str(&pad);
                } else {
                    out.push(' ');
                }
            }
            out.push('\'');
        }
        7 => {
            out.push('"');
            for chunk in text.replace(['"', '\\'], "").split(' ') {
                out.push_str(chunk);
                if rng.chance(20) {
                    out.push('\n');
                    out.push_str(&pad);
                } else {
                    out.push(' ');
                }
            }
            if rng.chance(5) {
                out.push_str("\\n");
            }
            out.push('"');
        }
        8 => {
            out.push_str(rng.pick(&["|-", "|", "|+", ">", "|2"]));
            out.push('\n');
            for _ in 0..1 + rng.below(3) {
                if rng.chance(15) {
                    out.push('\n');
                }
                out.push_str(&pad);
                if rng.chance(15) {
                    out.push_str("  ");
                }
                out.push_str(&words(rng, 5));
                out.push('\n');
            }
            // The caller adds a line break after every value.
            out.pop();
        }
        _ => out.push_str(rng.pick(&["[]", "{}", "[a, b]", "", "''", "\"\""])),
    }
    if rng.chance(5) {
        out.push_str(rng.pick(&[" # comment", "  ", " #", "# x"]));
    }
}

fn node(rng: &mut Rng, out: &mut String, col: usize, depth: usize, in_seq_item: bool) {
    let step = if rng.chance(80) { 2 } else { 1 + rng.below(4) };
    let kind = if depth > 3 { 2 } else { rng.below(3) };
    match kind {
        0 => mapping(rng, out, col, depth, in_seq_item),
        1 => {
            let dash_col = if rng.chance(50) { col } else { col + step };
            sequence(rng, out, dash_col, depth, in_seq_item);
        }
        _ => {
            out.push_str(&" ".repeat(col));
            out.push_str("k: ");
            scalar(rng, out, col + step);
            out.push('\n');
        }
    }
}

/// A block sequence with its dashes at `dash_col`.
fn sequence(rng: &mut Rng, out: &mut String, dash_col: usize, depth: usize, in_seq_item: bool) {
    for i in 0..1 + rng.below(4) {
        if i > 0 || !in_seq_item {
            out.push_str(&" ".repeat(dash_col));
        }
        if rng.chance(10) && depth < 4 {
            // An entry whose mapping starts on the next line.
            out.push_str("-\n");
            let col = dash_col + 1 + rng.below(4);
            mapping(rng, out, col, depth + 1, false);
            continue;
        }
        out.push_str("- ");
        if rng.chance(30) && depth < 4 {
            // A compact mapping in the entry.
            mapping(rng, out, dash_col + 2, depth + 1, true);
        } else {
            scalar(rng, out, dash_col + 2);
            out.push('\n');
        }
    }
}

fn mapping(rng: &mut Rng, out: &mut String, col: usize, depth: usize, first_inline: bool) {
    for i in 0..1 + rng.below(4) {
        if i > 0 || !first_inline {
            out.push_str(&" ".repeat(col));
        }
        if rng.chance(3) {
            out.push_str("# a comment\n");
            out.push_str(&" ".repeat(col));
        }
        if rng.chance(1) {
            // Longer than YAML allows a key written without `?`.
            out.push_str(&"k".repeat(1020 + rng.below(10)));
        } else if rng.chance(95) {
            out.push_str(rng.pick(KEYS));
        } else {
            out.push_str(rng.pick(TRICKY_KEYS));
        }
        if rng.chance(90) {
            out.push(':');
        }
        if rng.chance(40) && depth < 4 {
            out.push('\n');
            let step = if rng.chance(80) { 2 } else { 1 + rng.below(4) };
            if rng.chance(30) {
                // An indentless sequence: its dashes at the key's column.
                sequence(rng, out, col, depth + 1, false);
            } else {
                node(rng, out, col + step, depth + 1, false);
            }
        } else {
            out.push(' ');
            scalar(rng, out, col + 2);
            out.push('\n');
        }
    }
}

/// A document, sometimes damaged in one place.
fn document(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::new();
    mapping(&mut rng, &mut out, 0, 0, false);
    if rng.chance(30) {
        let at = rng.below(out.len() + 1);
        if out.is_char_boundary(at) {
            let insert = rng.pick(&[" ", "\n", "  ", "- ", ": ", "#", "'", "\t", "\n\n", "x"]);
            out.insert_str(at, insert);
        }
    }
    if rng.chance(10) {
        out.pop();
    }
    out
}

fn cases() -> u32 {
    std::env::var("PLOTSQL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_load_alike(seed in any::<u64>()) {
        let text = document(seed);
        if let Err(difference) = yaml_fast_path_agrees(&text) {
            panic!("seed {seed}: {difference}\n{text:?}");
        }
    }
}

/// The generator reaches the fast path often, or the property above would prove little.
#[test]
fn generated_documents_mostly_take_the_fast_path() {
    let mut taken = 0;
    let n = 2000;
    for seed in 0..n {
        if yaml_fast_path_agrees(&document(seed)) == Ok(true) {
            taken += 1;
        }
    }
    eprintln!("{taken} of {n} generated documents took the fast path");
    assert!(
        taken * 100 > n * 15,
        "only {taken} of {n} generated documents took the fast path"
    );
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every file of the fuzz corpora (YAML and not), the fixtures and the demo.
#[test]
fn corpus_files_load_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "fuzz/corpus/metadata",
        "fuzz/corpus/catalog",
        "tests/fixtures",
        "examples/demo",
    ] {
        yaml_files(&root.join(dir), &mut files);
    }
    let (mut taken, mut yaml) = (0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "yaml") {
            yaml += 1;
        }
        match yaml_fast_path_agrees(&text) {
            Ok(true) => taken += 1,
            Ok(false) => {}
            Err(difference) => panic!("{}: {difference}", path.display()),
        }
        let m = metadata(&text);
        assert!(
            m.json_disagreements.is_empty(),
            "{}: {:?}",
            path.display(),
            m.json_disagreements
        );
    }
    assert!(
        taken > 100 && yaml > 20,
        "{taken} of {} files took the fast path ({yaml} .yaml files)",
        files.len()
    );
}

/// NaN is not equal to itself: the comparison must still call `.nan` loaded alike (found by
/// the fuzzer).
#[test]
fn nan_loads_alike() {
    assert_eq!(yaml_fast_path_agrees("tags: .nan\n"), Ok(true));
    assert_eq!(yaml_fast_path_agrees("a:\n- .NaN\n- 1\n"), Ok(true));
}
