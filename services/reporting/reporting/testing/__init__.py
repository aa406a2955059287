"""Event builders shared by the tests and the benchmark."""
