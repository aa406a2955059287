"""Survey's use cases, one module per job; they talk to the ports in `ports.py`."""
