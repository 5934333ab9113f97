//! Atomicity under faults. The database holds state A; a script syncing state B (small
//! chunks, so many statements) meets a fault. Afterwards the `public` schema's pg_dump must
//! be byte-identical to before, unless the whole script had reached the server, in which
//! case it may instead be exactly state B. Never anything in between.
//!
//! Faults: the script cut short (a truncated file, with and without `psql -1`); psql fed
//! through a pipe and killed after N bytes; psql killed, interrupted, or its backend
//! cancelled or terminated while the server is blocked mid-sync (on a lock held by the
//! test, after K statements ran); a later statement failing on a constraint or trigger
//! added to the database; the TCP connection dropped by a proxy mid-transfer.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::cases::{Case, expected_dump, first_difference, two_states, write_batch};
use super::support::{apply_in, compile_chunked, exact_dump, pg_dump, scratch_dir, sql, sql_ok};
use crate::util::TestDb;

/// Rows per upsert statement in the fault scripts: many statements, so faults land between
/// writes.
const CHUNK: usize = 4;

struct Fixture {
    db: TestDb,
    a: Vec<Case>,
    b: Vec<Case>,
    script_a: String,
    script_b: String,
    /// The dump after A then B, the one acceptable "after" state.
    after_b: Value,
    _canary: tempfile::TempDir,
}

impl Fixture {
    fn new(tag: &str) -> Option<Self> {
        let db = TestDb::new(tag)?;
        let canary = tempfile::tempdir().unwrap();
        let (a, b) = two_states(24, canary.path().to_str().unwrap());
        let script = |cases: &[Case]| {
            let repo = scratch_dir();
            write_batch(repo.path(), cases);
            compile_chunked(repo.path(), CHUNK).unwrap()
        };
        let script_a = script(&a);
        let script_b = script(&b);
        let mut fixture = Self {
            db,
            a,
            b,
            script_a,
            script_b,
            after_b: Value::Null,
            _canary: canary,
        };
        fixture.reset();
        fixture.apply(&fixture.script_b.clone());
        fixture.after_b = exact_dump(&fixture.db.url);
        fixture.reset();
        Some(fixture)
    }

    /// Empty tables, then state A; returns the pg_dump of that state.
    fn reset(&self) -> String {
        sql_ok(
            &self.db.url,
            "TRUNCATE public.impls, public.specs, public.libraries, public.languages;\n",
        );
        self.apply(&self.script_a);
        let dump = exact_dump(&self.db.url);
        if let Some(diff) = first_difference(&expected_dump(&self.a), &dump) {
            panic!("state A: {diff}");
        }
        pg_dump(&self.db.url)
    }

    fn apply(&self, script: &str) {
        let out = apply_in(&self.db.url, script, &std::env::temp_dir(), &[], &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Asserts the database is as `before` (byte for byte), or, when `may_complete`, exactly
    /// state B. Returns true when it is state B (and the caller must reset).
    fn check(&self, before: &str, may_complete: bool, what: &str) -> bool {
        let now = pg_dump(&self.db.url);
        if now == before {
            return false;
        }
        if may_complete {
            if let Some(diff) = first_difference(&self.after_b, &exact_dump(&self.db.url)) {
                panic!("{what}: neither the state before nor state B: {diff}");
            }
            return true;
        }
        super::support::assert_same_dump(before, &now, what);
        unreachable!()
    }

    /// A spec id of B whose row B updates (the last one), and one that B deletes.
    fn updated_spec(&self) -> &str {
        self.b.iter().map(|c| c.spec_id.as_str()).max().unwrap()
    }

    fn deleted_spec(&self) -> &str {
        let kept: Vec<&str> = self.b.iter().map(|c| c.spec_id.as_str()).collect();
        self.a
            .iter()
            .map(|c| c.spec_id.as_str())
            .find(|id| !kept.contains(id))
            .unwrap()
    }
}

/// `s` as an SQL expression that does not depend on how literals are quoted.
fn hex_text(s: &str) -> String {
    let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
    format!("convert_from(decode('{hex}', 'hex'), 'UTF8')")
}

/// Byte offsets just after each `\;` line end before the script's COMMIT, and where the
/// COMMIT line ends.
fn statement_ends(script: &str) -> (Vec<usize>, usize) {
    let commit = script.find("COMMIT \\;\n").unwrap() + "COMMIT \\;\n".len();
    let ends = script
        .match_indices(" \\;\n")
        .map(|(i, m)| i + m.len())
        .filter(|&e| e < commit)
        .collect();
    (ends, commit)
}

#[test]
fn a_truncated_script_never_commits_part_of_a_sync() {
    let Some(f) = Fixture::new("hostile_truncated") else {
        return;
    };
    let script = f.script_b.clone();
    let (ends, commit) = statement_ends(&script);
    let last_statement = *ends.last().unwrap();
    // Every other statement boundary and the last three, the middle of the script (inside a
    // literal, most likely), the COMMIT line itself, and points after it.
    let mut cuts: Vec<usize> = ends
        .iter()
        .step_by(2)
        .chain(ends.iter().rev().take(3))
        .copied()
        .collect();
    let mut mid = script.len() / 2;
    while !script.is_char_boundary(mid) {
        mid += 1;
    }
    cuts.extend([
        0,
        1,
        mid,
        commit - 3,
        commit,
        script.len() - 2,
        script.len() - 1,
    ]);
    cuts.sort_unstable();
    cuts.dedup();
    let mut before = pg_dump(&f.db.url);
    let mut runs = 0;
    for &cut in &cuts {
        for flags in [&[][..], &["-1"][..]] {
            // Failing is fine (psql reports the cut-short statement); writing part is not.
            let _ = apply_in(&f.db.url, &script[..cut], &std::env::temp_dir(), flags, &[]);
            runs += 1;
            let what = format!(
                "script cut at byte {cut} of {} (COMMIT ends at {commit}), psql {flags:?}",
                script.len()
            );
            // Cut after the last statement before COMMIT, nothing is missing but the COMMIT
            // (which `psql -1` supplies): the complete sync may commit.
            let may_complete = cut >= last_statement;
            if f.check(&before, may_complete, &what) {
                before = f.reset();
            }
        }
    }
    eprintln!(
        "truncated scripts: {runs} applies at {} cut points",
        cuts.len()
    );
}

/// Polls `query` (one value) until it returns `want`, for at most 20 seconds.
fn wait_for(url: &str, query: &str, want: &str, what: &str) {
    let started = Instant::now();
    loop {
        let out = sql(url, &format!("{query};\n"));
        if String::from_utf8_lossy(&out.stdout).trim() == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn_psql(url: &str, app: &str, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-q", "-d", url])
        .args(args)
        .env("PGAPPNAME", app)
        .env_remove("PGOPTIONS")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

#[test]
fn killing_psql_mid_stream_changes_nothing() {
    let Some(f) = Fixture::new("hostile_pipe") else {
        return;
    };
    let script = f.script_b.as_bytes();
    let first_query_end = f.script_b.find("UTF8';\n").unwrap() + 7;
    let before = pg_dump(&f.db.url);
    // Up to the final `;` (excluded): psql has not sent the sync's query yet.
    let last = f.script_b.rfind(';').unwrap();
    let points = [
        1,
        first_query_end,
        script.len() / 4,
        script.len() / 2,
        script.len() * 3 / 4,
        last,
    ];
    let mut kills = 0;
    for (n, &point) in points.iter().enumerate() {
        for signal in ["KILL", "INT", "TERM"] {
            if signal != "KILL" && n != 3 {
                continue;
            }
            let mut child = spawn_psql(&f.db.url, "plotsql-pipe", &["-f", "-"], &[]);
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(&script[..point]).unwrap();
            stdin.flush().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            let status = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .unwrap();
            assert!(status.success());
            drop(stdin);
            let _ = child.wait();
            kills += 1;
            wait_for(
                &f.db.url,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'plotsql-pipe'",
                "0",
                "psql's session to end",
            );
            f.check(
                &before,
                false,
                &format!(
                    "psql killed with SIG{signal} after {point} of {} bytes",
                    script.len()
                ),
            );
        }
    }
    eprintln!("pipe kills: {kills}");
}

/// Where the test blocks the sync: SQL for a holder session that takes a lock the sync
/// needs at a known statement.
fn blockers(f: &Fixture) -> Vec<(&'static str, String)> {
    let updated_impl = f.b.iter().max_by(|x, y| x.spec_id.cmp(&y.spec_id)).unwrap();
    vec![
        (
            "at the advisory lock, before any write",
            format!(
                "SELECT pg_advisory_lock({})",
                plotsql::writer::ADVISORY_LOCK_KEY
            ),
        ),
        (
            "at the last spec upsert",
            format!(
                "BEGIN; SELECT 1 FROM public.specs WHERE id = {} FOR UPDATE",
                hex_text(f.updated_spec())
            ),
        ),
        (
            "at the last implementation upsert",
            format!(
                "BEGIN; SELECT 1 FROM public.impls WHERE spec_id = {} AND library_id = {} FOR UPDATE",
                hex_text(&updated_impl.spec_id),
                hex_text(&updated_impl.lib[0])
            ),
        ),
        (
            "at the implementation delete",
            format!(
                "BEGIN; SELECT 1 FROM public.impls WHERE spec_id = {} FOR UPDATE",
                hex_text(f.deleted_spec())
            ),
        ),
        (
            "at the spec delete",
            format!(
                "BEGIN; SELECT 1 FROM public.specs WHERE id = {} FOR UPDATE",
                hex_text(f.deleted_spec())
            ),
        ),
    ]
}

/// How the blocked sync is stopped.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// SIGKILL to psql; the server checks the client connection every 50 ms.
    KillPsqlChecked,
    /// SIGKILL to psql, no connection checks: the server may finish and commit.
    KillPsqlUnchecked,
    /// SIGINT to psql, which sends a cancel request.
    InterruptPsql,
    /// `pg_cancel_backend` on the sync's backend.
    CancelBackend,
    /// `pg_terminate_backend` on the sync's backend.
    TerminateBackend,
}

fn stop_blocked_sync(f: &Fixture, before: &str, blocker: &str, what: &str, stop: Stop) -> bool {
    let url = &f.db.url;
    let mut holder = spawn_psql(url, "plotsql-holder", &[], &[]);
    let mut holder_in = holder.stdin.take().unwrap();
    writeln!(holder_in, "{blocker};").unwrap();
    holder_in.flush().unwrap();
    wait_for(
        url,
        "SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a USING (pid) \
         WHERE a.datname = current_database() AND a.application_name = 'plotsql-holder' AND l.granted AND l.locktype IN ('advisory', 'transactionid')",
        "t",
        "the holder's lock",
    );

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &f.script_b).unwrap();
    let env: &[(&str, &str)] = match stop {
        Stop::KillPsqlUnchecked => &[],
        _ => &[("PGOPTIONS", "-c client_connection_check_interval=50")],
    };
    let mut sync = spawn_psql(
        url,
        "plotsql-sync",
        &["-f", file.path().to_str().unwrap()],
        env,
    );
    wait_for(
        url,
        "SELECT wait_event_type FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'plotsql-sync' AND state = 'active'",
        "Lock",
        &format!("the sync to block {what}"),
    );
    let backend = "(SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'plotsql-sync')";
    match stop {
        Stop::KillPsqlChecked | Stop::KillPsqlUnchecked => sync.kill().unwrap(),
        Stop::InterruptPsql => {
            assert!(
                Command::new("kill")
                    .arg("-INT")
                    .arg(sync.id().to_string())
                    .status()
                    .unwrap()
                    .success()
            );
        }
        Stop::CancelBackend => {
            sql_ok(url, &format!("SELECT pg_cancel_backend({backend});\n"));
        }
        Stop::TerminateBackend => {
            sql_ok(url, &format!("SELECT pg_terminate_backend({backend});\n"));
        }
    }
    let _ = sync.wait();
    if !matches!(stop, Stop::KillPsqlUnchecked) {
        // The server must give the sync up while the lock is still held.
        wait_for(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'plotsql-sync'",
            "0",
            "the sync's backend to end",
        );
    }
    // Release the lock: an abandoned sync may now run on.
    writeln!(holder_in, "ROLLBACK; SELECT pg_advisory_unlock_all();").unwrap();
    drop(holder_in);
    let _ = holder.wait();
    wait_for(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'plotsql-sync'",
        "0",
        "the sync's backend to end",
    );
    let completed = f.check(
        before,
        matches!(stop, Stop::KillPsqlUnchecked),
        &format!("sync stopped with {stop:?} while blocked {what}"),
    );
    if completed {
        eprintln!("{stop:?} {what}: the server ran the whole sync and committed it");
    }
    completed
}

#[test]
fn a_sync_stopped_mid_way_on_the_server_changes_nothing() {
    let Some(f) = Fixture::new("hostile_kill") else {
        return;
    };
    let mut before = pg_dump(&f.db.url);
    let mut runs = 0;
    for (n, (what, blocker)) in blockers(&f).iter().enumerate() {
        let mut stops = vec![Stop::KillPsqlChecked];
        if n == 2 {
            stops.extend([
                Stop::InterruptPsql,
                Stop::CancelBackend,
                Stop::TerminateBackend,
                Stop::KillPsqlUnchecked,
            ]);
        }
        for stop in stops {
            runs += 1;
            if stop_blocked_sync(&f, &before, blocker, what, stop) {
                before = f.reset();
            }
        }
    }
    eprintln!("server-side fault points: {runs}");
}

#[test]
fn a_failing_later_statement_rolls_everything_back() {
    let Some(f) = Fixture::new("hostile_failing") else {
        return;
    };
    let before = pg_dump(&f.db.url);
    let last_spec = hex_text(f.updated_spec());
    let injections: Vec<(&str, String, &str)> = vec![
        (
            "a foreign key blocks the final spec delete",
            format!(
                "CREATE TABLE public.pins (spec_id varchar REFERENCES public.specs(id));\n\
                 INSERT INTO public.pins VALUES ({});",
                hex_text(f.deleted_spec())
            ),
            "DROP TABLE public.pins;",
        ),
        (
            "a trigger rejects the last spec update",
            format!(
                "CREATE FUNCTION public.boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$;\n\
                 CREATE TRIGGER boom BEFORE UPDATE ON public.specs FOR EACH ROW WHEN (NEW.id = {last_spec}) EXECUTE FUNCTION public.boom();"
            ),
            "DROP TRIGGER boom ON public.specs; DROP FUNCTION public.boom();",
        ),
        (
            "a check constraint rejects the implementation updates",
            "ALTER TABLE public.impls ADD CONSTRAINT no_change CHECK (code IS NULL) NOT VALID;"
                .to_owned(),
            "ALTER TABLE public.impls DROP CONSTRAINT no_change;",
        ),
    ];
    let mut runs = 0;
    for (what, inject, undo) in &injections {
        sql_ok(&f.db.url, inject);
        let before_inject = pg_dump(&f.db.url);
        for flags in [&[][..], &["-1", "-v", "ON_ERROR_STOP=1"][..]] {
            let out = apply_in(&f.db.url, &f.script_b, &std::env::temp_dir(), flags, &[]);
            runs += 1;
            assert!(
                !out.status.success(),
                "{what}: the sync must fail with {flags:?}"
            );
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("ERROR"),
                "{what}"
            );
            f.check(&before_inject, false, &format!("{what}, psql {flags:?}"));
        }
        sql_ok(&f.db.url, undo);
        f.check(&before, false, &format!("{what}: undo"));
    }
    // The --max-delete guard aborts after every write has run.
    let mut options = plotsql::BuildOptions::default();
    options.sql.chunk_size = CHUNK;
    options.script.max_delete = Some(0);
    let repo = scratch_dir();
    write_batch(repo.path(), &f.b);
    let guarded = plotsql::compile(repo.path(), &options)
        .unwrap()
        .script
        .unwrap();
    let out = apply_in(&f.db.url, &guarded, &std::env::temp_dir(), &[], &[]);
    runs += 1;
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than --max-delete 0"));
    f.check(&before, false, "--max-delete 0");
    eprintln!("failing statements: {runs} applies");
}

/// A TCP proxy for one connection that forwards until `budget` bytes have gone in the
/// watched direction, then drops both connections.
struct Proxy {
    port: u16,
    sent: Arc<[AtomicUsize; 2]>,
    handle: std::thread::JoinHandle<()>,
}

impl Proxy {
    /// `budgets[0]` limits client-to-server bytes, `budgets[1]` server-to-client bytes.
    fn start(upstream: String, budgets: [Option<usize>; 2]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let counters = Arc::clone(&sent);
        let handle = std::thread::spawn(move || {
            let (client, _) = listener.accept().unwrap();
            let server = TcpStream::connect(&upstream).unwrap();
            let ends = [client.try_clone().unwrap(), server.try_clone().unwrap()];
            let pipes = [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ];
            let threads: Vec<_> = pipes
                .into_iter()
                .enumerate()
                .map(|(dir, (mut from, mut to))| {
                    let counters = Arc::clone(&counters);
                    let ends = [ends[0].try_clone().unwrap(), ends[1].try_clone().unwrap()];
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 8192];
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            let done = counters[dir].load(Ordering::SeqCst);
                            let allowed = budgets[dir].map_or(n, |b| n.min(b.saturating_sub(done)));
                            if to.write_all(&buf[..allowed]).is_err() {
                                break;
                            }
                            counters[dir].fetch_add(allowed, Ordering::SeqCst);
                            if allowed < n || budgets[dir].is_some_and(|b| done + allowed >= b) {
                                for end in &ends {
                                    let _ = end.shutdown(Shutdown::Both);
                                }
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    })
                })
                .collect();
            for t in threads {
                let _ = t.join();
            }
        });
        Self { port, sent, handle }
    }

    fn finish(self) -> [usize; 2] {
        let _ = self.handle.join();
        [
            self.sent[0].load(Ordering::SeqCst),
            self.sent[1].load(Ordering::SeqCst),
        ]
    }
}

/// `host:port` of the test server, when it is reached over TCP.
fn upstream() -> Option<(String, String)> {
    let url = crate::util::server_url();
    let rest = url.split_once("://")?.1;
    let (auth, hostpart) = match rest.split_once('@') {
        Some((a, h)) => (format!("{a}@"), h),
        None => (String::new(), rest),
    };
    let host = hostpart.split(['/', '?']).next()?;
    if host.is_empty() || host.starts_with('%') {
        return None;
    }
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    Some((host, auth))
}

#[test]
fn dropping_the_connection_mid_transfer_changes_nothing() {
    let Some(f) = Fixture::new("hostile_proxy") else {
        return;
    };
    let Some((upstream, auth)) = upstream() else {
        eprintln!("skipping: the test server is not reached over TCP");
        return;
    };
    let through = |budgets: [Option<usize>; 2]| -> [usize; 2] {
        let proxy = Proxy::start(upstream.clone(), budgets);
        let url = format!(
            "postgres://{auth}127.0.0.1:{}/{}?sslmode=disable&gssencmode=disable",
            proxy.port, f.db.name
        );
        let _ = apply_in(
            &url,
            &f.script_b,
            &std::env::temp_dir(),
            &[],
            &[("PGCONNECT_TIMEOUT", "5")],
        );
        proxy.finish()
    };
    // A full run measures both streams, and must apply B.
    let [up, down] = through([None, None]);
    assert!(
        first_difference(&f.after_b, &exact_dump(&f.db.url)).is_none(),
        "a clean run through the proxy applies B"
    );
    let mut before = f.reset();
    // The client's last message is Terminate (5 bytes): everything before it is the script.
    let cuts = [
        ([Some(60), None], false),
        ([Some(up / 4), None], false),
        ([Some(up / 2), None], false),
        ([Some(up * 3 / 4), None], false),
        ([Some(up - 6), None], false),
        ([Some(up - 5), None], true),
        ([None, Some(40)], false),
        ([None, Some(down - 1)], true),
    ];
    for (budgets, may_complete) in cuts {
        through(budgets);
        // The server notices the lost client in its own time.
        std::thread::sleep(Duration::from_millis(50));
        wait_for(
            &f.db.url,
            &format!(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
                f.db.name
            ),
            "0",
            "the proxied session to end",
        );
        if f.check(
            &before,
            may_complete,
            &format!("connection dropped after {budgets:?} bytes (of {up} up, {down} down)"),
        ) {
            before = f.reset();
        }
    }
    eprintln!("proxy cuts: {}", cuts.len());
}
