//! Concurrency: four applies of two different repository states, started together, queue
//! on the advisory lock and end in exactly one of the two states, each psql succeeding
//! without an error (a clean wait, no deadlock, no unique violation).

use std::sync::{Arc, Barrier};

use super::cases::{first_difference, two_states, write_batch};
use super::support::{apply_in, compile, exact_dump, scratch_dir, sql_ok};
use crate::util::TestDb;

#[test]
fn concurrent_applies_end_in_one_of_the_states() {
    let Some(db) = TestDb::new("hostile_concurrent") else {
        return;
    };
    let canary = tempfile::tempdir().unwrap();
    let (a, b) = two_states(30, canary.path().to_str().unwrap());
    let scripts: Vec<String> = [&a, &b]
        .iter()
        .map(|cases| {
            let repo = scratch_dir();
            write_batch(repo.path(), cases);
            compile(repo.path()).unwrap()
        })
        .collect();
    let apply = |script: &str| {
        let out = apply_in(&db.url, script, canary.path(), &[], &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The two end states (the catalog keeps A's rows once A has run).
    apply(&scripts[0]);
    let state_a = exact_dump(&db.url);
    apply(&scripts[1]);
    let state_b = exact_dump(&db.url);

    let mut runs = 0;
    let mut ends = [0, 0];
    for (round, start) in ["empty", "B", "A", "empty", "A"].iter().enumerate() {
        match *start {
            "empty" => {
                sql_ok(
                    &db.url,
                    "TRUNCATE public.impls, public.specs, public.libraries, public.languages;\n",
                );
            }
            "A" => apply(&scripts[0]),
            _ => apply(&scripts[1]),
        }
        let barrier = Arc::new(Barrier::new(4));
        let order: [usize; 4] = if round % 2 == 0 {
            [0, 1, 0, 1]
        } else {
            [1, 0, 1, 0]
        };
        let outputs: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = order
                .iter()
                .map(|&i| {
                    let barrier = Arc::clone(&barrier);
                    let script = &scripts[i];
                    let url = &db.url;
                    let dir = canary.path();
                    scope.spawn(move || {
                        barrier.wait();
                        apply_in(url, script, dir, &[], &[])
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for out in &outputs {
            runs += 1;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.trim().is_empty(),
                "round {round}: a concurrent apply failed: {stderr}"
            );
        }
        let end = exact_dump(&db.url);
        match (
            first_difference(&state_a, &end),
            first_difference(&state_b, &end),
        ) {
            (None, _) => ends[0] += 1,
            (_, None) => ends[1] += 1,
            (Some(da), Some(db_)) => {
                panic!("round {round}: neither state A ({da}) nor state B ({db_})")
            }
        }
    }
    assert!(
        std::fs::read_dir(canary.path()).unwrap().next().is_none(),
        "psql ran a meta-command"
    );
    eprintln!(
        "concurrent applies: {runs}, ended in A {} times, in B {} times",
        ends[0], ends[1]
    );
}
