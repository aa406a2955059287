"""What every HTTP API answers the same way: bearer tokens, the unit directory, bilingual
errors, body caps, the event log."""
