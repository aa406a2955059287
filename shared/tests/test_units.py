"""The unit directory behind the token check: learns the list, refreshes early for an unknown
unit (at most every min_refresh), keeps the last list when intake is away, fails closed before
it ever learned one."""

import pytest

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.unit_directory import UnitDirectory


class Intake:
    def __init__(self, *codes: str) -> None:
        self.codes, self.calls, self.down = set(codes), 0, False

    async def load(self) -> set[str]:
        self.calls += 1
        if self.down:
            raise ConnectionError("intake is away")
        return set(self.codes)


async def test_a_unit_created_later_is_found_by_an_early_refresh():
    intake = Intake("26734")
    units = UnitDirectory(intake.load, ttl=300, min_refresh=0)
    assert await units("26734") and not await units("26929")
    intake.codes.add("26929")
    assert await units("26929")


async def test_unknown_units_do_not_turn_into_a_flood_of_requests():
    intake = Intake("26734")
    units = UnitDirectory(intake.load, ttl=300, min_refresh=60)
    for n in range(50):
        assert not await units(f"forged-{n}")
    assert intake.calls == 1


async def test_the_last_list_is_kept_while_intake_is_away_and_none_means_closed():
    intake = Intake("26734")
    units = UnitDirectory(intake.load, ttl=0, min_refresh=0)
    assert await units("26734")
    intake.down = True
    assert await units("26734") and not await units("99999")
    with pytest.raises(ApiError) as refused:
        await UnitDirectory(intake.load)("26734")
    assert refused.value.status == 503
