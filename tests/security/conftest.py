"""The whole system as real processes under honcho and the root Procfile (as `scripts/run.sh`
runs it), on the real broker and Mongo-wire server: each test here is an attack from issue 14,
made over HTTP against the running services (motcua_shared.testing.system)."""

from collections.abc import Iterator

import pytest

from motcua_shared.testing.system import System


@pytest.fixture(scope="session")
def system(
    amqp_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    system = System.create(amqp_url, mongodb_url, tmp_path_factory.mktemp("security-logs"))
    try:
        system.start_supervised()
        yield system
    finally:
        system.stop()
        system.drop(amqp_url, mongodb_url)
