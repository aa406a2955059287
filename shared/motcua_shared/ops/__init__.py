"""Running a service: health, readiness, metrics, gauges, JSON logs, the secrets check, and
Operations that wires them."""
