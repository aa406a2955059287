"""What the attacks need: waiting for a state, a desk that receives dossiers, the demo units."""

from itertools import count

import httpx

from motcua_shared.testing.waiting import eventually  # noqa: F401 (the tests import it from here)

UNIT, OTHER_UNIT = "26734", "26929"  # Tân Định and Bình Thạnh, loaded by intake's demo catalogue
PROCEDURE = "1.001699"  # a demo procedure of 5 working days
_phones = count(1)


def new_citizen(name: str = "Nguyễn Thị Bảo Ngọc") -> dict:
    """A citizen with a phone no other test uses (the look-up's last 4 digits differ per test)."""
    serial = next(_phones)
    return {
        "full_name": name,
        "cccd": f"0792030{serial:05d}",
        "phone": f"0912{300000 + serial:06d}",
        "consent": True,
        "preferred_channel": "zalo",
    }


def receive(system, citizen: dict, unit: str = UNIT) -> str:
    answer = httpx.post(
        system.urls["intake"] + "/api/v1/dossiers",
        headers=system.token("desk01", unit, "desk"),
        json={
            "procedure_code": PROCEDURE,
            "desk_check": "complete",
            "channel": "direct",
            "citizen": citizen,
        },
        timeout=15,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]
