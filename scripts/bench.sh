#!/usr/bin/env bash
# End-to-end performance figures for plotsql; prints one table (see scripts/bench.py).
#
# Usage: scripts/bench.sh [--scale100] [CORPUS]
#   CORPUS       a plot repository (default ../shared/corpus/pyplots-2026-05)
#   --scale100   also generate and compile a 100x repository (several minutes, ~4 GB of
#                disk for the repository and as much for its script, and a 100x compound
#                delete on a database of ~300,000 rows)
# Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), where scratch
#      databases are created and dropped; BENCH_RUNS (compile runs, default 5);
#      BENCH_DELAY_MS (one-way delay of the round-trip proxy, default 210);
#      BENCH_CHUNKS (chunk sizes, default 100,500,2000,10000); BENCH_SECTIONS (a subset of
#      compile,rt,server,scale,chunk; the 1x compile always runs); CARGO_TARGET_DIR as usual.
# Needs: cargo, psql, python3, a PostgreSQL >= 13 that the URL reaches.
# Exit: 0 all targets met, 1 a target missed, 2 a figure could not be measured.
# Not a test: timings depend on the machine and its load; nothing runs it in CI.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scale100=()
corpus=""
for arg in "$@"; do
  case "$arg" in
    --scale100) scale100=(--scale100) ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) corpus=$arg ;;
  esac
done
corpus=${corpus:-$root/../shared/corpus/pyplots-2026-05}
[ -f "$corpus/plotsql.yaml" ] || { echo "bench: $corpus is not a plot repository" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)
server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in cargo psql python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done
psql -X -q -d "$server" -c 'SELECT 1' >/dev/null || { echo "bench: PostgreSQL does not answer at $server" >&2; exit 2; }

prefix="plotsql_bench_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/plotsql-bench.XXXXXX")
cleanup() {
  # bench.py drops its databases itself; this catches what an interrupted run left.
  psql -X -A -t -d "$server" -c "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}_%'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql -X -q -d "$server" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building (release)" >&2
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
# The stage split (benches/split.rs), built with the bench profile.
split=$(cargo bench --no-run --quiet --bench split --manifest-path "$root/Cargo.toml" --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "split" and m.get("executable"):
        print(m["executable"])')
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

echo "bench: measuring on $corpus (work files in $work)" >&2
python3 "$root/scripts/bench.py" \
  --plotsql "$target_dir/release/plotsql" ${split:+--split "$split"} \
  --corpus "$corpus" --work "$work" --database-url "$server" --db-prefix "$prefix" \
  --runs "${BENCH_RUNS:-5}" --delay-ms "${BENCH_DELAY_MS:-210}" \
  --chunks "${BENCH_CHUNKS:-100,500,2000,10000}" --sections "${BENCH_SECTIONS:-compile,rt,server,scale,chunk}" "${scale100[@]}"
