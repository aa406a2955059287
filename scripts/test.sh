#!/usr/bin/env bash
# Install everything, then run every test: unit, integration (real RabbitMQ and a real
# Mongo-wire server) and end-to-end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
scripts/enable_broker_plugins.sh  # the partitioned consumers' tests need the consistent-hash exchange
exec .venv/bin/python -m pytest "$@"
