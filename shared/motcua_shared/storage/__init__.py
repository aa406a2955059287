"""MongoDB: the client, the embedded SecantusDB server, one way to run a transaction, counting
commands."""
