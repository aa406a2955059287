"""Survey's domain: pure Python, no HTTP and no Mongo types."""
