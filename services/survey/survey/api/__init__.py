"""Survey's HTTP edge: citizen pages (HTML), the desk kiosk and the leader's reads (JSON)."""
