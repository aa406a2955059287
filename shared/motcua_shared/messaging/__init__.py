"""Moving events: the transactional outbox and its relay, the relay's lease (one publisher per
outbox), batch consumers and their metrics, the operations AMQP connection."""
