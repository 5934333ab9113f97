#!/usr/bin/env bash
# Parity check: the database plotsql leaves must equal the Python job's.
#
# Usage: scripts/parity.sh CORPUS EXPECTED_JSON [PARITY_DIR]
#   CORPUS         a plot repository (plotsql.yaml + plots/)
#   EXPECTED_JSON  the Python job's database state, dumped by PARITY_DIR/dump.sql
#   PARITY_DIR     folder with dump.sql and compare.py (default: the folder of EXPECTED_JSON/../../parity)
# Env: DATABASE_URL (server to create scratch databases on; default the local one),
#      PLOTSQL (binary; default: cargo build --release).
#
# Two scenarios, each on a fresh database made from `plotsql schema`:
#   fresh:  sync the corpus into the empty database;
#   older:  sync an older state of the corpus (specs, implementations and metadata values
#           dropped or changed, an extra spec added), then sync the real corpus.
# Both dumps are compared with EXPECTED_JSON; any difference fails the script.
set -euo pipefail

corpus=${1:?usage: scripts/parity.sh CORPUS EXPECTED_JSON [PARITY_DIR]}
expected=${2:?usage: scripts/parity.sh CORPUS EXPECTED_JSON [PARITY_DIR]}
parity=${3:-$(cd "$(dirname "$expected")/../.." && pwd)/parity}
server=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
root=$(cd "$(dirname "$0")/.." && pwd)

for f in "$parity/dump.sql" "$parity/compare.py" "$corpus/plotsql.yaml" "$expected"; do
  [ -e "$f" ] || { echo "parity: missing $f" >&2; exit 2; }
done
if [ -z "${PLOTSQL:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  PLOTSQL=$root/target/release/plotsql
fi

work=$(mktemp -d)
dbs=()
cleanup() {
  for db in "${dbs[@]}"; do psql -X -q -d "$server" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

db_url() { # server URL with its database replaced
  local base=${server%%\?*} query=""
  [ "$base" != "$server" ] && query="?${server#*\?}"
  local scheme=${base%%://*} rest=${base#*://}
  echo "$scheme://${rest%%/*}/$1$query"
}

new_db() {
  local name="plotsql_parity_$1_$$"
  psql -X -q -v ON_ERROR_STOP=1 -d "$server" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\"" >/dev/null
  dbs+=("$name")
  "$PLOTSQL" schema | psql -X -q -v ON_ERROR_STOP=1 -d "$(db_url "$name")" >/dev/null
  echo "$name"
}

sync() { # repo db
  "$PLOTSQL" build "$1" -o "$work/sync.sql"
  psql -X -q -v ON_ERROR_STOP=1 -d "$(db_url "$2")" -f "$work/sync.sql" >/dev/null
}

compare() { # label db
  psql -X -d "$(db_url "$2")" -f "$parity/dump.sql" > "$work/$1.json"
  echo "parity [$1]: $(python3 "$parity/compare.py" "$expected" "$work/$1.json" | tail -n 40 | tr '\n' ' ')"
  python3 "$parity/compare.py" "$expected" "$work/$1.json" >/dev/null
}

status=0

# `plotsql schema` must be equal in effect to the reference DDL: same pg_dump of both.
if [ -f "$parity/schema.sql" ] && command -v pg_dump >/dev/null; then
  ours=$(new_db schema_ours)
  ref="plotsql_parity_schema_ref_$$"
  psql -X -q -v ON_ERROR_STOP=1 -d "$server" -c "CREATE DATABASE \"$ref\"" >/dev/null
  dbs+=("$ref")
  psql -X -q -v ON_ERROR_STOP=1 -d "$(db_url "$ref")" -f "$parity/schema.sql" >/dev/null
  if diff <(pg_dump -s -d "$(db_url "$ours")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict') <(pg_dump -s -d "$(db_url "$ref")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict') >"$work/schema.diff"; then
    echo "parity [schema]: equal"
  else
    echo "parity [schema]: plotsql schema differs from $parity/schema.sql"; cat "$work/schema.diff"; status=1
  fi
fi

db=$(new_db fresh)
sync "$corpus" "$db"
compare fresh "$db" || status=1

# An older state of the same repository.
old="$work/older"
cp -r "$corpus" "$old"
rm -f "$old/expected.json"
mapfile -t specs < <(find "$old/plots" -mindepth 1 -maxdepth 1 -type d | sort)
n=${#specs[@]}
if [ "$n" -gt 20 ]; then
  rm -rf "${specs[1]}" "${specs[$((n / 2))]}" "${specs[$((n - 2))]}"          # specs not yet there
  mapfile -t impls < <(find "$old/plots" -path '*/implementations/*' -type f -name '*.py' | sort)
  for i in 3 50 200 400; do rm -f "${impls[$i]:-/nonexistent}"; done        # implementations not yet there
  mapfile -t metas < <(find "$old/plots" -path '*/metadata/*' -type f -name '*.yaml' | sort)
  for i in 5 60 300; do                                                      # older metadata values
    [ -n "${metas[$i]:-}" ] && sed -i -e 's/^quality_score: .*/quality_score: 11/' -e 's/^  verdict: .*/  verdict: REJECTED/' "${metas[$i]}"
  done
  md=$(find "$old/plots" -name specification.md | sort | sed -n 7p)
  [ -n "$md" ] && sed -i '0,/^# /s/^# \([^:]*\): .*/# \1: An older title/' "$md"
fi
mkdir -p "$old/plots/zz-removed-since"                                       # a spec deleted since
printf '# zz-removed-since: Removed since\n\n## Description\n\nGone in the real corpus.\n' > "$old/plots/zz-removed-since/specification.md"
db=$(new_db older)
sync "$old" "$db"
sync "$corpus" "$db"
compare "older-then-current" "$db" || status=1

exit $status
