"""motcua's shared contract: events, topology, settings and common plumbing."""
