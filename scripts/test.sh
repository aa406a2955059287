#!/usr/bin/env bash
# Install everything, then run every test: unit, integration (real RabbitMQ and a real
# Mongo-wire server) and end-to-end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/python -m pytest "$@"
