"""Survey's adapters: MongoDB repositories (each write with its outbox event in one transaction)."""
