#!/usr/bin/env bash
# Create .venv (once) and install the shared contract and every service, editable.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pkgs=(-e "shared[test]")
for svc in services/*/; do
  [ -f "$svc/pyproject.toml" ] && pkgs+=(-e "${svc%/}[test]")
done
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" honcho
