"""Counting the MongoDB commands a process sends (pymongo command monitoring), by database and
command name: round trips are what the pipeline costs, so benchmarks print them per dossier.

Off unless MOTCUA_MONGO_COMMANDS_DIR names a folder: each process then keeps
`<folder>/<pid>.json` up to date (at most once a second, and at exit). Commands only, never
their contents, so no personal data is written.
"""

import atexit
import json
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pymongo import monitoring

ENV = "MOTCUA_MONGO_COMMANDS_DIR"


class CommandCounter(monitoring.CommandListener):
    def __init__(self, path: Path | None = None) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.path, self._lock, self._written = path, threading.Lock(), 0.0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            self.counts[(event.database_name, event.command_name)] += 1
        if self.path is not None and time.monotonic() - self._written > 1:
            self.write()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def by_database(self) -> dict[str, dict[str, int]]:
        with self._lock:
            out: dict[str, dict[str, int]] = {}
            for (database, command), count in self.counts.items():
                out.setdefault(database, {})[command] = count
            return out

    def write(self) -> None:
        assert self.path is not None
        self._written = time.monotonic()
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.by_database()))
        temporary.replace(self.path)


_process_counter: CommandCounter | None = None


def listeners_from_env() -> list[Any]:
    """The process's counter, when MOTCUA_MONGO_COMMANDS_DIR is set; else none."""
    global _process_counter
    folder = os.environ.get(ENV)
    if not folder:
        return []
    if _process_counter is None:
        _process_counter = CommandCounter(Path(folder) / f"{os.getpid()}.json")
        atexit.register(_process_counter.write)
    return [_process_counter]


def read_counts(folder: Path) -> dict[str, dict[str, int]]:
    """Every process's counts in `folder`, summed by database and command."""
    total: dict[str, Counter[str]] = {}
    for path in folder.glob("*.json"):
        for database, commands in json.loads(path.read_text()).items():
            total.setdefault(database, Counter()).update(commands)
    return {database: dict(commands) for database, commands in total.items()}
