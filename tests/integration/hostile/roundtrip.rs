//! Literal round trip, property-tested against the real psql and PostgreSQL.
//!
//! Each proptest case is a batch of [`PER_BATCH`] generated [`Case`]s written as one
//! repository, compiled, applied with `psql -X -f` (with psql variables `foo` and `bar`
//! defined, so an interpolated `:foo` would show), dumped and compared with what the cases
//! say, field by field. psql runs in a canary folder that every meta-command in the
//! generated strings (`\!`, `\o`, `\w`, `\g`, `\copy`) would write into: it must stay empty.
//!
//! `PLOTSQL_PROPTEST_CASES` sets the number of cases (default 2,000, so 20 applies); for
//! a long run: `PLOTSQL_PROPTEST_CASES=100000 cargo test --test integration roundtrip`
//! (about 1,000 applies, 8 minutes here). A failing batch is not shrunk (each step would
//! re-apply it); its seed is saved in `tests/proptest-regressions/hostile_roundtrip.txt`,
//! which later runs replay first, and the message names the differing table, row and field.

use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRunner,
};

use super::cases::{Case, Names, expected_dump, first_difference, raw_batch, write_batch};
use super::support::{apply_in, compile, exact_dump, scratch_dir};
use crate::util::TestDb;

const PER_BATCH: usize = 100;

fn total_cases() -> usize {
    std::env::var("PLOTSQL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Writes, compiles, applies and checks one batch.
fn check_batch(db: &TestDb, raw: &[(Vec<String>, Vec<u8>)]) -> Result<(), TestCaseError> {
    let canary = tempfile::tempdir().unwrap();
    let canary_path = canary.path().to_str().unwrap().to_owned();
    let mut names = Names::default();
    let cases: Vec<Case> = raw
        .iter()
        .enumerate()
        .map(|(n, r)| Case::from_raw(r, n, &canary_path, &mut names))
        .collect();
    let repo = scratch_dir();
    write_batch(repo.path(), &cases);
    let script = compile(repo.path()).map_err(TestCaseError::fail)?;

    let out = db.psql("TRUNCATE public.impls, public.specs, public.libraries, public.languages;");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = apply_in(
        &db.url,
        &script,
        canary.path(),
        &["-v", "foo=PWNED", "-v", "bar=PWNED"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || stderr.contains("ERROR") {
        return Err(TestCaseError::fail(format!(
            "psql failed ({}): {stderr}",
            out.status
        )));
    }
    let leftovers: Vec<_> = std::fs::read_dir(canary.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    if !leftovers.is_empty() {
        return Err(TestCaseError::fail(format!(
            "psql ran a meta-command: it wrote {leftovers:?}"
        )));
    }
    let got = exact_dump(&db.url);
    if let Some(diff) = first_difference(&expected_dump(&cases), &got) {
        return Err(TestCaseError::fail(diff));
    }
    Ok(())
}

#[test]
fn every_value_reads_back_byte_for_byte() {
    let Some(db) = TestDb::new("hostile_roundtrip") else {
        return;
    };
    let total = total_cases();
    let batches = total.div_ceil(PER_BATCH).max(1);
    let config = Config {
        cases: u32::try_from(batches).unwrap(),
        // No shrinking: a failure names the differing field already, and each step re-applies.
        max_shrink_iters: 0,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/hostile_roundtrip.txt",
        ))),
        // ChaCha is slow in an unoptimised test build; XorShift is plenty for test data.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    let result = runner.run(&raw_batch(PER_BATCH), |raw| check_batch(&db, &raw));
    match result {
        Ok(()) => eprintln!(
            "literal round trip: {} cases in {batches} applies, {:.1}s",
            batches * PER_BATCH,
            started.elapsed().as_secs_f64()
        ),
        Err(TestError::Fail(reason, raw)) => {
            let sample: Vec<&Vec<String>> = raw.iter().map(|(s, _)| s).take(3).collect();
            panic!(
                "round trip failed: {reason}\nminimal batch has {} cases; first strings: {sample:?}",
                raw.len()
            );
        }
        Err(e) => panic!("{e}"),
    }
}
