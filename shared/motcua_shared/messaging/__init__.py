"""Moving events: the transactional outbox and its relay, batch consumers and their metrics,
the operations AMQP connection."""
