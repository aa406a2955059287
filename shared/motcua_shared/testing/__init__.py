"""Pytest fixtures every service's tests share (loaded as a pytest plugin)."""
