#!/usr/bin/env bash
# Create .venv and install exactly the versions of uv.lock: the shared contract and every service
# (editable, with their test extras), honcho and the checkers (the root's dev group). A fresh
# machine gets the versions CI tested; `uv sync` leaves an up-to-date .venv as it is, in a second.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# uv itself, pinned, in .tools/ (git-ignored): pip fetches it from PyPI once.
UV_VERSION=0.13.9
UV=.tools/uv/bin/uv
if [ ! -x "$UV" ] || [ "$("$UV" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  rm -rf .tools/uv
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .tools/uv "uv==$UV_VERSION"
fi
# --locked: fail, rather than re-resolve, when a pyproject.toml no longer matches uv.lock (run
# `.tools/uv/bin/uv lock` and commit both: README, "Installing"). The machine's Python, never a
# download of uv's own.
UV_PYTHON_DOWNLOADS=never "$UV" sync --quiet --locked --all-packages --all-extras --python "$PYTHON"
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
    # Wait for another apt (e.g. a second install on the same machine) rather than fail on its lock.
    apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
    apt_get install -y -qq chromium >/dev/null || { apt_get update -qq && apt_get install -y -qq chromium >/dev/null; }
  else
    echo "install.sh: /usr/bin/chromium missing: run 'apt-get install -y chromium' as root for tests/browser" >&2
  fi
fi
