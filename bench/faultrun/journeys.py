"""What happens to each dossier of a fault run: a fixed mix of lifecycles, drawn with a seed.

Each journey gives a dossier at most one message of each kind (one received, one supplement
request…), so at the sandbox any (phone, dossier, kind) seen twice is a duplicate, not a second
legitimate message. Every citizen has a phone of their own, so a phone names one dossier.
"""

import random
from dataclasses import dataclass, replace

# name → (share of the dossiers, the steps after the receipt). The receipt's desk check comes
# from the first step: "incomplete" / "ineligible" replace the default "complete".
JOURNEYS: dict[str, tuple[float, tuple[str, ...]]] = {
    "returned_at_desk": (0.40, ("hand-over", "resolve", "return")),
    "returned_at_home": (0.10, ("hand-over", "resolve", "home-visit-return", "return-home")),
    "desk_supplement_then_returned": (
        0.08,
        ("incomplete", "supply-papers", "hand-over", "resolve", "return"),
    ),
    "processing_supplement_then_returned": (
        0.08,
        ("hand-over", "request-supplement", "supply-papers", "resolve", "return"),
    ),
    "refused_result_returned": (0.06, ("hand-over", "resolve-refused", "return")),
    "refused_at_desk": (0.06, ("ineligible",)),
    "withdrawn_awaiting_papers": (0.03, ("incomplete", "withdraw")),
    "withdrawn_in_processing": (0.05, ("hand-over", "withdraw")),
    "resolved_not_returned": (0.05, ("hand-over", "resolve")),
    "left_in_progress": (0.05, ("hand-over",)),
    "left_awaiting_papers": (0.04, ("incomplete",)),
}

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ")
GIVEN = (
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quốc Dũng",
    "Thu Hà",
    "Gia Huy",
    "Ngọc Lan",
    "Đức Minh",
)
LEVELS = ("very_satisfied", "satisfied", "unsatisfied")


@dataclass(frozen=True)
class Plan:
    index: int
    journey: str
    steps: tuple[str, ...]
    unit: str
    procedure: str
    civil_status_event: str | None
    channel: str
    phone: str  # as the desk types it, 09…
    preferred_channel: str
    answer: str | None  # the level the citizen gives at the kiosk, if they answer

    @property
    def desk_check(self) -> str:
        first = self.steps[0] if self.steps else ""
        return first if first in ("incomplete", "ineligible") else "complete"

    @property
    def after_receipt(self) -> tuple[str, ...]:
        return self.steps[1:] if self.desk_check != "complete" else self.steps

    @property
    def survey_expected(self) -> bool:
        """Survey opens for a returned, approved dossier that is not a death registration."""
        return (
            ("return" in self.steps or "return-home" in self.steps)
            and "resolve-refused" not in self.steps
            and self.civil_status_event != "death"
        )

    def citizen(self) -> dict[str, object]:
        name = f"{FAMILY[self.index % len(FAMILY)]} {GIVEN[self.index % len(GIVEN)]}"
        return {
            "full_name": name,
            "cccd": f"0792{self.index:08d}",
            "phone": self.phone,
            "consent": True,
            "preferred_channel": self.preferred_channel,
            "address": f"{self.index} đường Hai Bà Trưng, phường Tân Định",
        }


def plans(n: int, units: list[str], procedures: list[dict], seed: int = 20261125) -> list[Plan]:
    """n plans: journeys in their shares (rounded, the rest returned at the desk), shuffled."""
    rng = random.Random(seed)
    names = [name for name, (share, _) in JOURNEYS.items() for _ in range(round(share * n))]
    names = (names + ["returned_at_desk"] * n)[:n]
    rng.shuffle(names)
    result = []
    for index, name in enumerate(names):
        procedure = rng.choice(procedures)
        steps = JOURNEYS[name][1]
        plan = Plan(
            index=index,
            journey=name,
            steps=steps,
            unit=units[index % len(units)],
            procedure=procedure["code"],
            civil_status_event=procedure.get("civil_status_event"),
            channel=rng.choices(("direct", "online", "postal"), (0.7, 0.2, 0.1))[0],
            phone=f"091{index:07d}",
            preferred_channel="sms" if rng.random() < 0.1 else "zalo",
            answer=None,
        )
        if plan.survey_expected and rng.random() < 0.6:
            plan = replace(plan, answer=rng.choice(LEVELS))
        result.append(plan)
    return result
