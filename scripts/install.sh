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
# The desk's front-end files (htmx, Chart.js; axe-core for the browser tests), served as they are:
# no build step, exact versions from services/desk/package-lock.json.
if command -v npm >/dev/null; then
  npm ci --prefix services/desk --no-audit --no-fund --loglevel=error >/dev/null
else
  echo "install.sh: npm not found: the desk's charts and browser tests need it (apt-get install -y npm)" >&2
fi
# Debian's Chromium for the desk's browser tests (tests/browser; Playwright's own download does not work here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
  else
    echo "install.sh: /usr/bin/chromium missing: run 'apt-get install -y chromium' as root for tests/browser" >&2
  fi
fi
