#!/usr/bin/env bash
# Runs the shell commands of the example workflows locally:
#   sync-postgres.yml  check --strict, build -o, psql apply, job summary;
#   plan-on-pr.yml     base/head scripts and their diff, build --plan applied.
#
# Usage: examples/workflows/run-locally.sh [PLOT_REPOSITORY]   (default examples/demo)
#
# Environment:
#   PLOTSQL              plotsql binary (default target/debug/plotsql)
#   DATABASE_URL         a PostgreSQL where this may create databases
#                        (default postgres://postgres@127.0.0.1:5432/postgres)
#   GITHUB_STEP_SUMMARY  file the job summaries are appended to (default: a new
#                        temporary file, kept and printed at the end)
#   OUT_DIR              where the "artifacts" (scripts, logs, diff) are kept
#                        (default: a new temporary directory)
#   BASE_REF, HEAD_REF   the commits to plan between when the repository is
#                        in git (default HEAD~1 and HEAD)
#
# Differences from the workflows: nothing is downloaded (PLOTSQL is used as
# is); the database is a scratch database created here, set up with
# `plotsql schema` and dropped on exit; files go to OUT_DIR instead of the
# checkout; the plan runs against a second scratch database that holds the
# base commit's state, so its change report shows what HEAD_REF changes.
set -euo pipefail

if ((BASH_VERSINFO[0] < 4)); then
  echo "run-locally: needs bash 4 or newer" >&2
  exit 2
fi

# Defaults are relative to the plotsql checkout this script lives in.
plotsql_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repo=${1:-$plotsql_root/examples/demo}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PLOTSQL=${PLOTSQL:-$plotsql_root/target/debug/plotsql}
BASE_REF=${BASE_REF:-HEAD~1}
HEAD_REF=${HEAD_REF:-HEAD}

die() {
  echo "run-locally: $*" >&2
  exit 2
}

# --- inputs -----------------------------------------------------------------
if [[ "$PLOTSQL" == */* ]]; then
  [[ -x "$PLOTSQL" ]] || die "PLOTSQL=$PLOTSQL is not an executable file (build it with 'cargo build')"
  PLOTSQL="$(cd "$(dirname "$PLOTSQL")" && pwd)/$(basename "$PLOTSQL")"
else
  PLOTSQL=$(command -v "$PLOTSQL") || die "PLOTSQL=$PLOTSQL is not on PATH"
fi
[[ -d "$repo" ]] || die "plot repository '$repo' is not a directory"
repo=$(cd "$repo" && pwd)
command -v psql >/dev/null || die "psql is not installed (e.g. apt-get install postgresql-client)"

if [[ -z "${GITHUB_STEP_SUMMARY:-}" ]]; then
  GITHUB_STEP_SUMMARY=$(mktemp "${TMPDIR:-/tmp}/plotsql-summary.XXXXXX")
fi
export GITHUB_STEP_SUMMARY
if [[ -z "${OUT_DIR:-}" ]]; then
  OUT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/plotsql-out.XXXXXX")
fi
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/plotsql-work.XXXXXX")

# DATABASE_URL with its database name replaced by $2. Handles URIs
# (postgres[ql]://…/db?params) and keyword/value strings (a later dbname wins).
with_database() {
  local url=$1 db=$2 query="" scheme rest
  case "$url" in
    postgres://* | postgresql://*) ;;
    *)
      printf '%s dbname=%s' "$url" "$db"
      return
      ;;
  esac
  if [[ "$url" == *\?* ]]; then
    query="?${url#*\?}"
    url=${url%%\?*}
  fi
  scheme=${url%%://*}
  rest=${url#*://}
  rest=${rest%%/*}
  printf '%s://%s/%s%s' "$scheme" "$rest" "$db" "$query"
}

admin_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DATABASE_URL" "$@"
}

# --- scratch databases, worktrees, cleanup ------------------------------------
db="plotsql_local_$(date +%s)_$$"
plan_db="${db}_plan"
scratch_url=$(with_database "$DATABASE_URL" "$db")
plan_url=$(with_database "$DATABASE_URL" "$plan_db")
git_top=""
# Steps run in subshells, so what they create is listed in files under $work.
touch "$work/dbs" "$work/worktrees"

cleanup() {
  local rc=$?
  set +e
  local wt name
  while read -r wt; do
    git -C "$git_top" worktree remove --force "$wt" >/dev/null 2>&1
  done < "$work/worktrees"
  if [[ -n "$git_top" ]]; then
    git -C "$git_top" worktree prune >/dev/null 2>&1
  fi
  while read -r name; do
    if admin_psql -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" ||
       admin_psql -c "DROP DATABASE IF EXISTS \"$name\""; then
      echo "run-locally: dropped scratch database $name" >&2
    else
      echo "run-locally: could not drop scratch database $name; drop it by hand" >&2
    fi
  done < "$work/dbs"
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

create_scratch_db() { # NAME URL
  admin_psql -c "CREATE DATABASE \"$1\""
  echo "$1" >> "$work/dbs"
  "$PLOTSQL" schema | psql -X -q -v ON_ERROR_STOP=1 -d "$2"
}

# --- a tiny step runner: like a job, the first failing step skips the rest ----
failed=0
declare -A outcome=()

run_step() { # NAME FUNCTION [ARGS...]
  local name=$1 rc
  shift
  if ((failed)); then
    printf -- '--- %s: skipped\n' "$name" >&2
    outcome[$name]=skipped
    return 0
  fi
  printf '\n==> %s\n' "$name" >&2
  # errexit is ignored inside `if`/`||`, so run the step as a plain command.
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  if ((rc == 0)); then
    outcome[$name]=success
  else
    outcome[$name]=failure
    failed=$rc
    printf -- '--- %s: failed (exit status %d)\n' "$name" "$rc" >&2
  fi
}

# A code fence longer than any run of backticks in the file: fenced LANG FILE.
fenced() {
  local n fence
  n=$(awk '{ while (match($0, /`+/)) { if (RLENGTH > m) m = RLENGTH; $0 = substr($0, RSTART + RLENGTH) } } END { print m + 0 }' "$2")
  ((n = n < 3 ? 3 : n + 1))
  fence=$(printf '%*s' "$n" '' | tr ' ' '`')
  printf '%s%s\n' "$fence" "$1"
  cat "$2"
  if [[ -n "$(tail -c 1 "$2")" ]]; then echo; fi
  printf '%s\n' "$fence"
}

commit_of() { # DIR -> commit id, or a description of the tree
  git -C "$1" rev-parse HEAD 2>/dev/null || echo "working tree of $1"
}

# ============================================================================
# sync-postgres.yml
# ============================================================================
echo "run-locally: plot repository $repo" >&2
echo "run-locally: plotsql $PLOTSQL" >&2
echo "run-locally: artifacts in $OUT_DIR, summary in $GITHUB_STEP_SUMMARY" >&2

step_psql() {
  psql --version
}
step_setup_db() {
  create_scratch_db "$db" "$scratch_url"
  echo "scratch database $db, plotsql schema applied"
}
step_check() {
  cd "$repo"
  "$PLOTSQL" check --strict --message-format github
}
step_build() {
  cd "$repo"
  local status=0
  "$PLOTSQL" build -o "$OUT_DIR/sync.sql" 2> "$OUT_DIR/build.log" || status=$?
  cat "$OUT_DIR/build.log" >&2
  return "$status"
}
step_apply() {
  psql -X -v ON_ERROR_STOP=1 -d "$scratch_url" -f "$OUT_DIR/sync.sql" 2>&1 | tee "$OUT_DIR/psql.log"
}
write_sync_summary() {
  {
    echo "## plotsql sync"
    echo
    echo "Commit \`$(commit_of "$repo")\`, plotsql \`$PLOTSQL\` (local run)."
    echo
    if [[ -s "$OUT_DIR/build.log" ]]; then
      echo "**Build:** $(tail -n 1 "$OUT_DIR/build.log")"
      echo
    fi
    echo "**Apply:** ${outcome[Apply the sync script]:-not run}"
    if [[ -f "$OUT_DIR/psql.log" ]]; then
      echo
      echo "### Change report"
      echo
      fenced text "$OUT_DIR/psql.log"
    fi
  } >> "$GITHUB_STEP_SUMMARY"
}

run_step "Install psql" step_psql
run_step "Create the scratch database" step_setup_db
run_step "Check the plot repository" step_check
run_step "Build the sync script" step_build
run_step "Apply the sync script" step_apply
write_sync_summary
sync_failed=$failed

# ============================================================================
# plan-on-pr.yml, between BASE_REF and HEAD_REF
# ============================================================================
failed=0
commits=0
if git_top=$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null); then
  commits=$(git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0)
else
  git_top=""
fi

if [[ -z "$git_top" || "$commits" -lt 2 ]]; then
  msg="$repo is not a git repository with at least 2 commits: skipping the plan between two commits."
  echo "run-locally: $msg" >&2
  printf '\n## plotsql plan\n\n%s\n' "$msg" >> "$GITHUB_STEP_SUMMARY"
else
  prefix=$(git -C "$repo" rev-parse --show-prefix)
  plan_dir="$OUT_DIR/plan"
  mkdir -p "$plan_dir"

  step_worktrees() {
    base_sha=$(git -C "$git_top" rev-parse --verify "$BASE_REF^{commit}")
    head_sha=$(git -C "$git_top" rev-parse --verify "$HEAD_REF^{commit}")
    git -C "$git_top" worktree add --quiet --detach "$work/base" "$base_sha"
    echo "$work/base" >> "$work/worktrees"
    git -C "$git_top" worktree add --quiet --detach "$work/head" "$head_sha"
    echo "$work/head" >> "$work/worktrees"
    echo "$base_sha $head_sha" > "$work/shas"
  }
  run_step "Check out $BASE_REF and $HEAD_REF" step_worktrees
  # The step ran in a subshell: pick up what it found.
  if [[ -f "$work/shas" ]]; then
    read -r base_sha head_sha < "$work/shas"
  fi
  base_repo="$work/base/$prefix"
  head_repo="$work/head/$prefix"

  step_plan_check() {
    cd "$head_repo"
    "$PLOTSQL" check --strict --message-format github
  }
  step_diff() {
    cd "$head_repo"
    if "$PLOTSQL" build "$base_repo" -o "$plan_dir/base.sql" 2> "$plan_dir/base.log"; then
      echo "built" > "$plan_dir/base.status"
    else
      echo "failed" > "$plan_dir/base.status"
      : > "$plan_dir/base.sql"
    fi
    cat "$plan_dir/base.log" >&2
    local status=0
    "$PLOTSQL" build -o "$plan_dir/head.sql" 2> "$plan_dir/head.log" || status=$?
    cat "$plan_dir/head.log" >&2
    if ((status != 0)); then return "$status"; fi

    status=0
    diff -u --label "sync.sql@${base_sha:0:12} (base)" --label "sync.sql@${head_sha:0:12} (head)" \
      "$plan_dir/base.sql" "$plan_dir/head.sql" > "$plan_dir/plan.diff" || status=$?
    if ((status > 1)); then return "$status"; fi

    local limit=786432 added removed
    {
      echo
      echo "## plotsql plan"
      echo
      echo "Base \`$base_sha\` ($BASE_REF), head \`$head_sha\` ($HEAD_REF), plotsql \`$PLOTSQL\` (local run)."
      echo
      if [[ "$(cat "$plan_dir/base.status")" == "failed" ]]; then
        echo "The base commit does not build (shown as empty): $(tail -n 1 "$plan_dir/base.log")"
        echo
      fi
      echo "**Head build:** $(tail -n 1 "$plan_dir/head.log")"
      echo
      if [[ ! -s "$plan_dir/plan.diff" ]]; then
        echo "The sync script is unchanged."
      else
        added=$(tail -n +3 "$plan_dir/plan.diff" | grep -c '^+' || true)
        removed=$(tail -n +3 "$plan_dir/plan.diff" | grep -c '^-' || true)
        echo "### Script diff (+$added / -$removed lines)"
        echo
        if (($(wc -c < "$plan_dir/plan.diff") > limit)); then
          head -c "$limit" "$plan_dir/plan.diff" > "$plan_dir/plan.diff.head"
          fenced diff "$plan_dir/plan.diff.head"
          echo
          echo "_Truncated: the whole diff is in $plan_dir/plan.diff._"
        else
          fenced diff "$plan_dir/plan.diff"
        fi
      fi
    } >> "$GITHUB_STEP_SUMMARY"
  }
  step_plan_db() {
    # Stands in for PLAN_DATABASE_URL: a scratch database in the base state.
    create_scratch_db "$plan_db" "$plan_url"
    if [[ "$(cat "$plan_dir/base.status")" == "built" ]]; then
      psql -X -q -v ON_ERROR_STOP=1 -d "$plan_url" -f "$plan_dir/base.sql" > "$plan_dir/base-apply.log" 2>&1 ||
        { cat "$plan_dir/base-apply.log" >&2; return 1; }
      echo "scratch database $plan_db holds the state of $BASE_REF"
    else
      echo "scratch database $plan_db is empty ($BASE_REF does not build)"
    fi
  }
  step_plan() {
    cd "$head_repo"
    "$PLOTSQL" build --plan -o "$plan_dir/plan.sql"
    if ! grep -qi '^[[:space:]]*rollback' "$plan_dir/plan.sql"; then
      echo "run-locally: warning: $plan_dir/plan.sql has no ROLLBACK line" >&2
    fi
    local status=0
    psql -X -v ON_ERROR_STOP=1 -d "$plan_url" -f "$plan_dir/plan.sql" > "$plan_dir/plan-report.txt" 2>&1 || status=$?
    cat "$plan_dir/plan-report.txt"
    {
      echo
      echo "### Change report if merged (rolled back)"
      echo
      if ((status != 0)); then
        echo "**The plan failed (psql exit status $status): merging would fail the sync.**"
        echo
      fi
      fenced text "$plan_dir/plan-report.txt"
    } >> "$GITHUB_STEP_SUMMARY"
    return "$status"
  }

  if ((failed == 0)); then
    # As in the workflow, a failing check does not stop the diff and the plan.
    run_step "Check the plot repository ($HEAD_REF)" step_plan_check
    check_failed=$failed
    failed=0
    run_step "Build the base and head scripts and diff them" step_diff
    run_step "Prepare the plan database" step_plan_db
    run_step "Plan against the database (rolled back)" step_plan
    if ((failed == 0)); then failed=$check_failed; fi
  fi
fi
plan_failed=$failed

# ============================================================================
echo
echo "===== job summary ($GITHUB_STEP_SUMMARY) ====="
cat "$GITHUB_STEP_SUMMARY"
echo "===== artifacts in $OUT_DIR ====="
if ((sync_failed || plan_failed)); then
  echo "run-locally: FAILED (sync: $sync_failed, plan: $plan_failed)" >&2
  exit 1
fi
echo "run-locally: OK" >&2
