"""Moving events: the transactional outbox and its relay, the relay's lease (one publisher per
outbox), batch consumers and their metrics, a consumer's subscriptions to its partitions and
their sharing between replicas, the operations AMQP connection."""
