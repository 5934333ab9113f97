#!/usr/bin/env python3
"""Makes a synthetic plot repository FACTOR times the size of a real one.

    scripts/gen-scale.py [--keys-only] CORPUS OUT FACTOR

Copy k = 0 of every spec keeps its id; copy k >= 1 of spec `s` is `s-rKKK` (`-r001`, ...).
Every copy keeps the real file sizes and layout (so parsing costs what it does on real
data) with values varied per copy, so no two rows are equal:
- specification.md: the title line names the new id and gains ` (variant k)`;
- specification.yaml: `spec_id` / `specification_id` name the new id;
- metadata YAML: `specification_id` names the new id, `quality_score` moves by up to
  +-4 within 0..100, `workflow_run` and `issue` grow by k;
- code files: gain one comment line `# variant k of <id>`.
Other files (previews) are skipped. OUT must not exist; it gets plotsql.yaml and plots/.

--keys-only writes the same spec folders and implementation files, but each markdown holds
only its title line, code files are empty and there is no YAML: a repository with the same
keys (so the same compound deletes) that compiles in seconds at any scale.
Deterministic: the same CORPUS and FACTOR give the same bytes.
"""

import os
import re
import shutil
import sys

ID_LINE = re.compile(r"^(spec_id|specification_id):[ \t]*\S.*$", re.M)
TITLE = re.compile(r"^(#\s+)([\w-]+)(:\s*)(.+)$", re.M)
SCORE = re.compile(r"^(\s*quality_score: )(\d+)[ \t]*$", re.M)
RUN = re.compile(r"^(\s*workflow_run: )(\d+)[ \t]*$", re.M)
ISSUE = re.compile(r"^(issue: )(\d+)[ \t]*$", re.M)


def new_id(spec, k):
    return spec if k == 0 else f"{spec}-r{k:03d}"


def read(path):
    with open(path, "r", encoding="utf-8", newline="") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def vary_markdown(text, sid, k):
    if k == 0:
        return text
    return TITLE.sub(lambda m: f"{m[1]}{sid}{m[3]}{m[4]} (variant {k})", text, count=1)


def vary_yaml(text, sid, k):
    if k == 0:
        return text
    text = ID_LINE.sub(lambda m: f"{m[1]}: {sid}", text)
    text = SCORE.sub(lambda m: f"{m[1]}{min(100, max(0, int(m[2]) + (k % 9) - 4))}", text)
    text = RUN.sub(lambda m: f"{m[1]}{int(m[2]) + k}", text)
    return ISSUE.sub(lambda m: f"{m[1]}{int(m[2]) + k}", text)


def vary_code(text, sid, k):
    if k == 0:
        return text
    sep = "" if text.endswith("\n") or not text else "\n"
    return f"{text}{sep}# variant {k} of {sid}\n"


def main():
    argv = sys.argv[1:]
    keys_only = "--keys-only" in argv
    argv = [a for a in argv if a != "--keys-only"]
    if len(argv) != 3:
        sys.exit(__doc__)
    corpus, out, factor = argv[0], argv[1], int(argv[2])
    if os.path.exists(out):
        sys.exit(f"gen-scale: {out} exists")
    plots = os.path.join(corpus, "plots")
    os.makedirs(os.path.join(out, "plots"))
    shutil.copyfile(os.path.join(corpus, "plotsql.yaml"), os.path.join(out, "plotsql.yaml"))
    specs = sorted(d for d in os.listdir(plots) if os.path.isdir(os.path.join(plots, d)) and not d.startswith("."))
    # Read each spec folder once, then write its copies.
    for spec in specs:
        src = os.path.join(plots, spec)
        files = []
        for root, _, names in os.walk(src):
            for name in sorted(names):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, src)
                if name.endswith(".md"):
                    files.append((rel, "md", read(path)))
                elif name.endswith(".yaml"):
                    files.append((rel, "yaml", read(path)))
                elif "implementations" in rel.split(os.sep) and not name.endswith((".png", ".gitkeep")):
                    try:
                        files.append((rel, "code", read(path)))
                    except UnicodeDecodeError:
                        continue
        for k in range(factor):
            sid = new_id(spec, k)
            dst = os.path.join(out, "plots", sid)
            for rel, kind, text in files:
                if keys_only:
                    if kind == "yaml":
                        continue
                    text = f"# {sid}: {sid}\n" if kind == "md" else ""
                elif kind == "md":
                    text = vary_markdown(text, sid, k)
                elif kind == "yaml":
                    text = vary_yaml(text, sid, k)
                else:
                    text = vary_code(text, sid, k)
                write(os.path.join(dst, rel), text)


if __name__ == "__main__":
    main()
