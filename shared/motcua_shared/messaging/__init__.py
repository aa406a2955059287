"""Moving events: the transactional outbox and its relay, batch consumers and their metrics,
a consumer's subscriptions to its partitions and their sharing between replicas, the operations
AMQP connection."""
