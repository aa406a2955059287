"""Settings every service shares, and the local run's .data/ files."""
