"""Moved to motcua_shared.testing.tcp_proxy (the health tests of other services use it too)."""

from motcua_shared.testing.tcp_proxy import TcpProxy

__all__ = ["TcpProxy"]
