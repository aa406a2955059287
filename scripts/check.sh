#!/usr/bin/env bash
# The checks that keep the shape (docs/style.md), run by scripts/test.sh before the tests:
# ruff (lint and format), mypy over shared/ and the services' packages, and import-linter's
# layer contracts; all configured in the root pyproject.toml. Every check runs, and the script
# fails if any failed.
#   scripts/check.sh --fix   first applies ruff's safe fixes and ruff format, then checks.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
if [ "${1:-}" = --fix ]; then
  "$bin/ruff" check --fix-only --quiet .
  "$bin/ruff" format --quiet .
fi
failed=()
"$bin/ruff" check --quiet . || failed+=("ruff check")
"$bin/ruff" format --check --quiet . || failed+=("ruff format (scripts/check.sh --fix)")
"$bin/mypy" || failed+=(mypy)
contracts=$("$bin/lint-imports" --no-cache 2>&1) || { echo "$contracts"; failed+=(lint-imports); }
if [ ${#failed[@]} -gt 0 ]; then
  printf 'check.sh: failed: %s\n' "$(IFS=,; echo "${failed[*]}")" >&2
  exit 1
fi
