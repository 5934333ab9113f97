#!/usr/bin/env bash
# Lints the GitHub Actions workflows of this repository and the example
# workflows for plot repositories:
#   - check-jsonschema against the vendored GitHub workflow schema,
#   - zizmor (offline audits, default persona).
# Both are installed at pinned versions with pip into a virtualenv under
# target/ (or $LINT_VENV). Exits non-zero on any finding.
#
# Usage: scripts/lint-workflows.sh [FILE.yml ...]   (default: every workflow)
set -euo pipefail

CHECK_JSONSCHEMA_VERSION=0.39.0
ZIZMOR_VERSION=1.33.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

venv=${LINT_VENV:-${CARGO_TARGET_DIR:-$root/target}/lint-workflows-venv}
stamp="$venv/.pinned"
want="check-jsonschema==$CHECK_JSONSCHEMA_VERSION zizmor==$ZIZMOR_VERSION"

install_tools() {
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/lint-workflows-pip.XXXXXX")
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  # shellcheck disable=SC2086 # $want is a list of requirement specifiers
  if ! { python3 -m venv "$venv" &&
         "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
           --no-input $want; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    rm -rf "$venv"
    echo "lint-workflows: FAILED to install $want" >&2
    exit 2
  fi
  rm -f "$log"
  echo "$want" >"$stamp"
}

if [[ ! -x "$venv/bin/zizmor" || ! -x "$venv/bin/check-jsonschema" ||
      "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  install_tools
fi

if (($# > 0)); then
  files=("$@")
else
  shopt -s nullglob
  files=(.github/workflows/*.yml .github/workflows/*.yaml examples/workflows/*.yml examples/workflows/*.yaml)
  shopt -u nullglob
fi
if ((${#files[@]} == 0)); then
  echo "lint-workflows: no workflow files found" >&2
  exit 2
fi

echo "lint-workflows: check-jsonschema $CHECK_JSONSCHEMA_VERSION, zizmor $ZIZMOR_VERSION, ${#files[@]} files"
failed=0
for file in "${files[@]}"; do
  if ! "$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$file"; then
    echo "lint-workflows: check-jsonschema failed for $file" >&2
    failed=1
  fi
done

# One zizmor run over all files; --offline disables the audits that need the
# GitHub API, --strict-collection makes a file it cannot parse an error rather
# than a skipped input. Any finding (or error) gives a non-zero exit status.
if ! "$venv/bin/zizmor" --offline --strict-collection --no-progress --color never "${files[@]}"; then
  echo "lint-workflows: zizmor reported findings" >&2
  failed=1
fi

if ((failed)); then
  echo "lint-workflows: FAILED" >&2
  exit 1
fi
echo "lint-workflows: ${#files[@]} workflow files passed"
