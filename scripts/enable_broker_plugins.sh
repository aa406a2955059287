#!/usr/bin/env bash
# Enable the RabbitMQ plugin the partitioned consumers need (MOTCUA_PARTITIONS > 1, issue 15):
# rabbitmq_consistent_hash_exchange, shipped with RabbitMQ, not enabled by default. Idempotent.
# It works on the broker of this machine, as its administrator (rabbitmq-plugins reads the
# node's Erlang cookie). A broker elsewhere (AMQP_URL on another host, a container, a managed
# service): enable the plugin there (compose and Kubernetes do it in deploy/). With
# MOTCUA_PARTITIONS=1 (the default) nothing needs it, so a failure here is only a warning;
# scripts/check_broker.py refuses to start when K > 1 and the plugin is missing.
set -uo pipefail
plugin=rabbitmq_consistent_hash_exchange
if ! command -v rabbitmq-plugins >/dev/null 2>&1; then
  echo "enable_broker_plugins.sh: rabbitmq-plugins not found here; enable $plugin on the broker yourself" \
       "(rabbitmq-plugins enable $plugin) before running with MOTCUA_PARTITIONS > 1" >&2
  exit 0
fi
if ! out=$(rabbitmq-plugins enable "$plugin" 2>&1); then
  echo "enable_broker_plugins.sh: could not enable $plugin on the local broker:" >&2
  echo "$out" | tail -3 >&2
  echo "  run 'rabbitmq-plugins enable $plugin' as the broker's administrator (root or rabbitmq)," \
       "or enable it where AMQP_URL's broker runs; needed only with MOTCUA_PARTITIONS > 1" >&2
fi
exit 0
