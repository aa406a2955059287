#!/usr/bin/env bash
# Install, then run the whole system on the embedded defaults under one supervisor:
# RabbitMQ at AMQP_URL (default the local broker), an embedded SecantusDB Mongo-wire server per
# service keeping its data in .data/mongo/<service> (unless MONGODB_URL is set), the four services, the desk web app, notify's
# sandbox Zalo/SMS gateway, the payment gateway sandbox (port 8011), demo units and procedures. Ctrl-C stops everything.
# Secrets: generated once per installation into .data/secrets.env (directory 0700, file 0600);
# the services refuse the public defaults. .data/run.env records where this run's servers are,
# so the commands of the README (motcua-token, reporting-apikey, …) find them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/}
scripts/enable_broker_plugins.sh  # rabbitmq_consistent_hash_exchange, for MOTCUA_PARTITIONS > 1
if ! .venv/bin/python scripts/check_broker.py "$AMQP_URL"; then
  exit 1
fi
umask 077
mkdir -p .data && chmod 700 .data
.venv/bin/python scripts/secrets_file.py .data/secrets.env
while IFS='=' read -r name value; do  # a value already in the environment wins
  if [[ -n "$name" && "$name" != \#* && -z "${!name:-}" ]]; then export "$name=$value"; fi
done < .data/secrets.env
processes=(sandbox payments intake notify survey reporting desk banner)
servers="MONGODB_URL=${MONGODB_URL:-}"
if [ -z "${MONGODB_URL:-}" ]; then
  # One embedded server per service, from port 27717 on (scripts/embedded_mongo.py says why).
  export EMBEDDED_MONGO_PORT=${EMBEDDED_MONGO_PORT:-27717}
  mkdir -p .data/mongo
  servers=$(.venv/bin/python scripts/embedded_mongo.py --env "$EMBEDDED_MONGO_PORT" .data/mongo)
  while IFS='=' read -r name value; do export "$name=$value"; done <<< "$servers"
  processes=(mongo "${processes[@]}")
fi
printf 'AMQP_URL=%s\n%s\n' "$AMQP_URL" "$servers" > .data/run.env
exec .venv/bin/honcho start -f Procfile "${processes[@]}"
