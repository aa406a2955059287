"""All services as real processes under the README's supervisor (honcho, root Procfile), on the
real broker and the Mongo-wire server, with notify's sandbox gateway standing in for Zalo and the
SMS gateway (motcua_shared.testing.system). libfaketime lets a journey move the whole system's
clock (`system.shift_clock`)."""

from collections.abc import Iterator

import pytest

from motcua_shared.testing.system import System, supervised_system


@pytest.fixture(scope="module")
def system(
    request: pytest.FixtureRequest,
    amqp_url: str,
    mongodb_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[System]:
    """One system per module; a module's `SYSTEM_SETTINGS` (environment overrides) are its own."""
    with supervised_system(
        amqp_url,
        mongodb_url,
        tmp_path_factory.mktemp("e2e-logs"),
        clock_control=True,
        **getattr(request.module, "SYSTEM_SETTINGS", {}),
    ) as system:
        yield system
