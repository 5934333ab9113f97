#!/usr/bin/env python3
"""End-to-end performance figures for plotsql; run through scripts/bench.sh.

Measures, on one machine in one run, and prints ONE table:
  1. compile: `plotsql build` on the corpus (median wall of N runs after a warm-up, CPU
     time, peak RSS against the corpus bytes) and where the time goes (benches/split.rs);
  2. round trips through scripts/rtproxy.py at --delay-ms per direction, fresh and
     re-applied, against two baselines measured the same way: "batched" (the same
     statements sent one per round trip, as the Python job did) and "row-by-row" (one row
     per statement, one statement per round trip; counted with no delay, its time at the
     delay estimated as measured time + round trips x 2 x delay);
  3. server work on loopback: apply to an empty database, re-apply unchanged, and the rows
     whose xmin changed on re-apply (must be 0);
  4. scale: a 10x repository from scripts/gen-scale.py (compile time ratio, peak RSS,
     compound delete time); with --scale100 also 100x (minutes, several GB on disk);
  5. apply time per --chunk-size on the corpus and the 10x repository.
Exits 1 when a target is missed, 2 when something could not be measured.
Scratch databases are named PREFIX_<label> and dropped on exit.
"""

import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def available_kib():
    """MemAvailable from /proc/meminfo, in KiB (None where there is no such file)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Bench:
    def __init__(self, args):
        self.a = args
        self.rows = []  # (section, figure, value, compare, target, ok)
        self.missed = []
        self.dbs = []
        self.procs = []
        self.prefix = args.db_prefix
        url = urllib.parse.urlsplit(args.database_url)
        self.url = url

    # ---- helpers -------------------------------------------------------------------
    def db_url(self, db, host=None, port=None, extra=None):
        u = self.url
        netloc = u.netloc
        if host or port:
            auth = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
            netloc = f"{auth}{host or u.hostname}:{port or u.port or 5432}"
        query = u.query
        if extra:
            query = "&".join(q for q in [query, extra] if q)
        return urllib.parse.urlunsplit((u.scheme, netloc, "/" + db, query, ""))

    def psql(self, db, *args, capture=True, check=True, stdin=None, url=None):
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url or self.db_url(db), *args]
        r = subprocess.run(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, input=stdin, check=False)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql {' '.join(args)[:80]} failed: {r.stderr.strip()[:400]}")
        return r.stdout

    def new_db(self, label, schema=True):
        name = f"{self.prefix}_{label}"
        admin = self.url.path.lstrip("/") or "postgres"
        self.psql(admin, "-c", "SET client_min_messages = warning", "-c", f'DROP DATABASE IF EXISTS "{name}"',
                  "-c", f'CREATE DATABASE "{name}"')
        self.dbs.append(name)
        if schema:
            ddl = subprocess.run([self.a.plotsql, "schema"], stdout=subprocess.PIPE, text=True, check=True).stdout
            self.psql(name, stdin=ddl)
        return name

    def drop_db(self, name):
        admin = self.url.path.lstrip("/") or "postgres"
        self.psql(admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)
        if name in self.dbs:
            self.dbs.remove(name)

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        for db in list(self.dbs):
            self.drop_db(db)

    @staticmethod
    def timed(cmd, stdout=None, stdin=None, env=None):
        """Runs cmd; returns (wall s, cpu s, peak RSS KiB, exit code)."""
        out = open(stdout, "wb") if stdout else subprocess.DEVNULL
        inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stdin=inp, stderr=subprocess.PIPE, env=env)
            err = p.stderr.read() if p.stderr else b""
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - start
            p.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdout:
                out.close()
            if stdin:
                inp.close()
        if p.returncode != 0:
            sys.stderr.write(err.decode(errors="replace")[-2000:])
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode

    def row(self, section, figure, value, compare="", target="", ok=None):
        self.rows.append((section, figure, value, compare, target, "" if ok is None else ("ok" if ok else "MISSED")))
        if ok is False:
            self.missed.append(f"{section}: {figure}")

    def build(self, repo, out, chunk=None):
        # Each timed build starts with no writeback pending (of the previous script, say).
        os.sync()
        cmd = [self.a.plotsql, "build", repo]
        if chunk:
            cmd += ["--chunk-size", str(chunk)]
        wall, cpu, rss, rc = self.timed(cmd, stdout=out)
        if rc != 0:
            raise RuntimeError(f"plotsql build {repo} failed ({rc})")
        return wall, cpu, rss

    def compile_figures(self, repo, runs):
        out = os.path.join(self.a.work, "compile.sql")
        self.build(repo, out)  # warm the page cache
        samples = [self.build(repo, out) for _ in range(runs)]
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        rss = max(s[2] for s in samples)
        return wall, cpu, rss, out

    def apply(self, db, script, url=None):
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url or self.db_url(db), "-f", script]
        wall, _, _, rc = self.timed(cmd)
        if rc != 0:
            raise RuntimeError(f"applying {script} to {db} failed")
        return wall

    # ---- proxy ---------------------------------------------------------------------
    def start_proxy(self, delay_ms, label):
        log = os.path.join(self.a.work, f"rt-{label}.jsonl")
        port_file = os.path.join(self.a.work, f"rt-{label}.port")
        up = f"{self.url.hostname or '127.0.0.1'}:{self.url.port or 5432}"
        p = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "rtproxy.py"), "--listen", "127.0.0.1:0",
                              "--upstream", up, "--delay-ms", str(delay_ms), "--log", log,
                              "--port-file", port_file, "--idle-exit", "900"])
        self.procs.append(p)
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                return p, int(open(port_file).read()), log
            time.sleep(0.05)
        raise RuntimeError("rtproxy did not start")

    def through_proxy(self, port, log, db, script):
        before = len(open(log).readlines()) if os.path.exists(log) else 0
        url = self.db_url(db, host="127.0.0.1", port=port, extra="sslmode=disable&gssencmode=disable")
        wall = self.apply(db, script, url=url)
        for _ in range(200):
            lines = open(log).readlines() if os.path.exists(log) else []
            if len(lines) > before:
                return wall, json.loads(lines[-1])
            time.sleep(0.05)
        raise RuntimeError("rtproxy wrote no record")

    @staticmethod
    def one_per_round_trip(src, dst):
        """The script with each statement sent on its own: ` \\;` at a line end becomes `;`.

        Safe inside literals: plotsql doubles every backslash there, so a lone backslash
        after a space never occurs in one."""
        with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
            for line in f:
                g.write(line[:-4] + ";\n" if line.endswith(" \\;\n") else line)

    def xmins(self, db):
        out = self.psql(db, "-A", "-t", "-c",
                        "SELECT 'l:' || id || ' ' || xmin FROM languages UNION ALL "
                        "SELECT 'b:' || id || ' ' || xmin FROM libraries UNION ALL "
                        "SELECT 's:' || id || ' ' || xmin FROM specs UNION ALL "
                        "SELECT 'i:' || id || ' ' || xmin FROM impls")
        return dict(line.rsplit(" ", 1) for line in out.splitlines() if line)

    # ---- scale ---------------------------------------------------------------------
    def generate(self, factor, keys_only=False):
        out = os.path.join(self.a.work, f"{'keys' if keys_only else 'scale'}{factor}")
        if not os.path.exists(out):
            flags = ["--keys-only"] if keys_only else []
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-scale.py"), *flags, self.a.corpus, out,
                            str(factor)], check=True)
            # The new files' writeback must not run during the timed builds.
            os.sync()
        return out

    def fill_copies(self, db, copies):
        """Adds copies 1..copies of every spec and implementation of the database server-side,
        named as gen-scale.py names them (`<id>-rKKK`)."""
        cols = self.psql(db, "-A", "-t", "-c",
                         "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM "
                         "information_schema.columns WHERE table_schema = 'public' AND table_name = 'impls' "
                         "AND column_name NOT IN ('id', 'spec_id')").strip()
        scols = self.psql(db, "-A", "-t", "-c",
                          "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM "
                          "information_schema.columns WHERE table_schema = 'public' AND table_name = 'specs' "
                          "AND column_name <> 'id'").strip()
        suffix = "'-r' || lpad(k::text, 3, '0')"
        self.psql(db, "-c",
                  f"INSERT INTO specs (id, {scols}) SELECT id || {suffix}, {scols} FROM specs, "
                  f"generate_series(1, {copies}) AS k WHERE id !~ '-r[0-9]{{3}}$'",
                  "-c",
                  f"INSERT INTO impls (id, spec_id, {cols}) SELECT gen_random_uuid(), spec_id || {suffix}, {cols} "
                  f"FROM impls, generate_series(1, {copies}) AS k WHERE spec_id !~ '-r[0-9]{{3}}$'")

    def delete_time(self, db, script):
        """Runs the script's two compound deletes (and nothing else) in a rolled-back
        transaction; returns (seconds, rows deleted)."""
        with open(script, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            tail_at = max(0, size - 64 * 1024 * 1024)
            f.seek(tail_at)
            tail = f.read().decode("utf-8", errors="replace")
        body = ""
        for table in ("impls", "specs"):
            start = tail.rfind(f"\n-- {table}: delete rows")
            end = tail.find(" \\;\n", start)
            if start < 0 or end < 0:
                raise RuntimeError(f"no compound delete of {table} found in the script")
            body += tail[start:end] + ";\n"
        sql = ("\\set ON_ERROR_STOP on\nBEGIN;\nCREATE TEMP TABLE plotsql_report (\"ord\" serial, \"tbl\" text, "
               "\"inserted\" bigint, \"updated\" bigint, \"unchanged\" bigint, \"deleted\" bigint);\n"
               "SELECT clock_timestamp() AS t0 \\gset\n" + body +
               "\nSELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS secs, "
               "(SELECT coalesce(sum(deleted), 0) FROM pg_temp.plotsql_report) AS deleted;\nROLLBACK;\n")
        path = os.path.join(self.a.work, "delete.sql")
        with open(path, "w", encoding="utf-8") as f:
            f.write(sql)
        out = self.psql(db, "-A", "-t", "-F", " ", "-f", path)
        secs, deleted = out.strip().splitlines()[-1].split()
        return float(secs), int(deleted)

    # ---- the run -------------------------------------------------------------------
    def run(self):
        a = self.a
        corpus_bytes = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(a.corpus, "plots"))
                           for f in fs) + os.path.getsize(os.path.join(a.corpus, "plotsql.yaml"))

        # 1. Compile.
        wall1, cpu1, rss1, script1 = self.compile_figures(a.corpus, a.runs)
        with open(script1, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        self.row("compile 1x", f"wall, median of {a.runs} (2 cores)", f"{wall1:.3f} s", f"cpu {cpu1:.3f} s",
                 "<= 0.25 s", wall1 <= 0.25)
        self.row("compile 1x", "peak RSS", f"{rss1 / 1024:.0f} MiB",
                 f"{rss1 * 1024 / corpus_bytes:.2f}x corpus ({corpus_bytes / 1e6:.1f} MB)", "<= 3x corpus",
                 rss1 * 1024 <= 3 * corpus_bytes)
        self.row("compile 1x", "script", f"{os.path.getsize(script1) / 1e6:.1f} MB", f"sha256 {digest}")
        want = set(a.sections.split(","))
        if a.split and "compile" in want:
            out = subprocess.run([a.split, a.corpus, "3"], stdout=subprocess.PIPE, text=True, check=True).stdout
            stages = dict(line.split("\t") for line in out.splitlines() if line and not line.startswith("#"))
            one = " ".join(f"{k} {float(stages[k]):.0f}" for k in ("walk", "read", "yaml", "markdown", "validation")
                           if k in stages)
            self.row("compile 1x", "split, 1 thread (ms)", one)
            two = " ".join(f"{k} {float(stages[k]):.0f}" for k in ("read_1t", "read_2t", "sql", "stream")
                           if k in stages)
            self.row("compile 1x", "split, in-process (ms)", two)
            build = " ".join(f"{k} {float(stages[k]):.0f}" for k in ("build_read", "build_write", "build")
                             if k in stages)
            self.row("compile 1x", "split, as `build` runs (ms)", build)

        # 2. Round trips at the delay, fresh and re-applied.
        if "rt" in want:
            self.round_trips(script1)
        if "server" in want:
            self.server(script1)
        if "scale" in want:
            self.scale(script1, wall1, cpu1, rss1)
        if "chunk" in want:
            self.chunks()

    def round_trips(self, script1):
        a = self.a
        batched = os.path.join(a.work, "batched.sql")
        self.one_per_round_trip(script1, batched)
        proxy, port, log = self.start_proxy(a.delay_ms, "delay")
        rt = {}
        for label, script in (("plotsql", script1), ("batched", batched)):
            db = self.new_db(f"rt_{label}")
            rt[(label, "fresh")] = self.through_proxy(port, log, db, script)
            rt[(label, "re-apply")] = self.through_proxy(port, log, db, script)
            self.drop_db(db)
        proxy.terminate()
        proxy.wait()
        # Row by row: one row per statement, counted with no delay.
        rowwise_src = os.path.join(a.work, "rowwise-src.sql")
        rowwise = os.path.join(a.work, "rowwise.sql")
        self.build(a.corpus, rowwise_src, chunk=1)
        self.one_per_round_trip(rowwise_src, rowwise)
        proxy0, port0, log0 = self.start_proxy(0, "nodelay")
        db = self.new_db("rt_rowwise")
        rt[("row-by-row", "fresh")] = self.through_proxy(port0, log0, db, rowwise)
        rt[("row-by-row", "re-apply")] = self.through_proxy(port0, log0, db, rowwise)
        self.drop_db(db)
        proxy0.terminate()
        proxy0.wait()
        per_rt = 2 * a.delay_ms / 1000
        for phase in ("fresh", "re-apply"):
            wall_p, rec_p = rt[("plotsql", phase)]
            wall_b, rec_b = rt[("batched", phase)]
            wall_r0, rec_r = rt[("row-by-row", phase)]
            wall_r = wall_r0 + (rec_r["rt"] + rec_r["startup_rt"]) * per_rt
            self.row(f"round trips @{a.delay_ms:.0f} ms", f"{phase}: plotsql",
                     f"{rec_p['rt']} RT, {wall_p:.2f} s",
                     f"+{rec_p['startup_rt']} to connect; {rec_p['client_bytes'] / 1e6:.1f} MB sent",
                     "<= 2 RT after connecting", rec_p["rt"] <= 2)
            self.row(f"round trips @{a.delay_ms:.0f} ms", f"{phase}: batched (1 statement per RT)",
                     f"{rec_b['rt']} RT, {wall_b:.2f} s", f"plotsql {wall_b / wall_p:.1f}x faster")
            self.row(f"round trips @{a.delay_ms:.0f} ms", f"{phase}: row-by-row (1 row per RT)",
                     f"{rec_r['rt']} RT, ~{wall_r / 60:.1f} min (est.)",
                     f"plotsql {wall_r / wall_p:.0f}x faster; {wall_r0:.1f} s at 0 ms")

    def server(self, script1):
        db = self.new_db("server")
        fresh = self.apply(db, script1)
        before = self.xmins(db)
        again = self.apply(db, script1)
        after = self.xmins(db)
        rewritten = sum(1 for k, v in before.items() if after.get(k) != v) + len(set(after) - set(before))
        self.drop_db(db)
        self.row("server (loopback)", "apply to empty database", f"{fresh:.2f} s")
        self.row("server (loopback)", "re-apply unchanged", f"{again:.2f} s", f"{again / fresh:.2f}x of fresh")
        self.row("server (loopback)", "rows rewritten on re-apply (xmin changed)", f"{rewritten} of {len(before)}",
                 "", "0", rewritten == 0)

    def scale(self, script1, wall1, cpu1, rss1):
        a = self.a
        scales = [10] + ([100] if a.scale100 else [])
        compiled = {}
        for factor in scales:
            repo = self.generate(factor)
            out = os.path.join(a.work, f"scale{factor}.sql")
            runs = 5 if factor == 10 else 1
            need = compiled[10][2] * 10 * 1.3 if factor == 100 and 10 in compiled else 0
            avail = available_kib()
            if need and avail and need > avail:
                self.row(f"scale {factor}x", "compile", "skipped",
                         f"needs ~{need / 2**20:.1f} GiB (10x RSS x 13), {avail / 2**20:.1f} GiB available")
            else:
                if factor == 10:
                    self.build(repo, out)  # warm the page cache, as for the 1x figures
                samples = [self.build(repo, out) for _ in range(runs)]
                wall = statistics.median(s[0] for s in samples)
                cpu = statistics.median(s[1] for s in samples)
                rss = max(s[2] for s in samples)
                compiled[factor] = (repo, out, rss)
                ratio = wall / wall1
                self.row(f"scale {factor}x", f"compile wall (median of {runs})", f"{wall:.2f} s",
                         f"{ratio:.1f}x the 1x time (cpu {cpu / cpu1:.1f}x)",
                         "<= 11x" if factor == 10 else "", ratio <= 11 if factor == 10 else None)
                # Memory must not grow with the repository: the rows a streamed build holds
                # (a window of spec folders, 64 MiB of rendered upserts, the specs and keys)
                # stay within 1x RSS + 160 MiB at 10x; at 100x the specs and keys alone
                # (about 1% of the repository) may add more.
                bound = rss1 + 160 * 1024 if factor == 10 else None
                self.row(f"scale {factor}x", "compile peak RSS", f"{rss / 1024:.0f} MiB",
                         f"{rss / rss1:.1f}x the 1x RSS; repository {self.repo_bytes(repo) / 2**20:.0f} MiB",
                         "<= 1x RSS + 160 MiB" if bound else "", rss <= bound if bound else None)
                size = os.path.getsize(out)
                self.row(f"scale {factor}x", "script", f"{size / 1e6:.0f} MB",
                         "cut into several query strings (PostgreSQL takes at most 1 GB per query)"
                         if size >= 1 << 28 else "")
                if factor == 100:
                    os.remove(out)  # 4 GB
            # The compound delete over every key, on a database holding every row plus one more
            # copy of the corpus (which it removes), in a rolled-back transaction. Its text
            # depends on the keys alone: at 100x it comes from a keys-only repository.
            if factor == 10:
                delete_script = out
            else:
                keys = self.generate(factor, keys_only=True)
                delete_script = os.path.join(a.work, f"keys{factor}.sql")
                self.build(keys, delete_script)
            db = self.new_db(f"delete{factor}")
            self.apply(db, script1)
            self.fill_copies(db, factor)
            total = self.psql(db, "-A", "-t", "-c", "SELECT (SELECT count(*) FROM specs) + (SELECT count(*) FROM impls)")
            secs, deleted = self.delete_time(db, delete_script)
            self.drop_db(db)
            self.row(f"scale {factor}x", "compound delete (both anti-joins)", f"{secs:.2f} s",
                     f"{deleted} rows removed of {int(total)}")

    @staticmethod
    def repo_bytes(repo):
        return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(repo) for f in fs)

    def chunks(self):
        a = self.a
        for factor in [1, 10]:
            repo = a.corpus if factor == 1 else self.generate(10)
            for chunk in a.chunks:
                out = os.path.join(a.work, "chunk.sql")
                self.build(repo, out, chunk=chunk)
                db = self.new_db(f"chunk{factor}_{chunk}")
                fresh = self.apply(db, out)
                again = self.apply(db, out)
                self.drop_db(db)
                self.row(f"chunk size ({factor}x)", f"--chunk-size {chunk}", f"fresh {fresh:.2f} s",
                         f"re-apply {again:.2f} s", "default 500" if chunk == 500 else "")

    def print_table(self):
        head = ("section", "figure", "value", "compared", "target", "status")
        widths = [max(len(str(r[i])) for r in self.rows + [head]) for i in range(6)]
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        print(line)
        for r in self.rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
        print(line)
        if self.missed:
            print(f"targets missed: {len(self.missed)}: " + "; ".join(self.missed))
        else:
            print("all targets met")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plotsql", required=True)
    ap.add_argument("--split", help="the benches/split.rs binary (stage split)")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--db-prefix", default=f"plotsql_bench_{os.getpid()}")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--delay-ms", type=float, default=210.0)
    ap.add_argument("--chunks", type=lambda s: [int(x) for x in s.split(",")], default=[100, 500, 2000, 10000])
    ap.add_argument("--scale100", action="store_true")
    ap.add_argument("--sections", default="compile,rt,server,scale,chunk",
                    help="which figures to measure (comma-separated; the 1x compile always runs)")
    args = ap.parse_args()
    bench = Bench(args)

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    try:
        bench.run()
    except (RuntimeError, subprocess.CalledProcessError, OSError, ValueError, KeyError) as e:
        print(f"bench: {e}", file=sys.stderr)
        status = 2
    finally:
        bench.cleanup()
    if bench.rows:
        bench.print_table()
    if status == 0 and bench.missed:
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
