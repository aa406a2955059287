#!/usr/bin/env bash
# Install, then run the whole system on the embedded defaults under one supervisor:
# RabbitMQ at AMQP_URL (default the local broker), an embedded SecantusDB Mongo-wire server
# keeping its data in .data/mongo (unless MONGODB_URL is set), the four services, the desk web app, notify's
# sandbox Zalo/SMS gateway, demo units and procedures. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/}
if ! .venv/bin/python scripts/check_broker.py "$AMQP_URL"; then
  exit 1
fi
processes=(sandbox intake notify survey reporting desk banner)
if [ -z "${MONGODB_URL:-}" ]; then
  export EMBEDDED_MONGO_PORT=${EMBEDDED_MONGO_PORT:-27717}
  export MONGODB_URL="mongodb://127.0.0.1:${EMBEDDED_MONGO_PORT}/"
  mkdir -p .data/mongo
  processes=(mongo "${processes[@]}")
fi
exec .venv/bin/honcho start -f Procfile "${processes[@]}"
