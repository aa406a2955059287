"""Who may read which figures: a report is asked for one unit or one province; a caller
(an API key of a provincial system, or a leader's token) has a scope."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportTarget:
    """Exactly one of `unit` and `province`."""

    unit: str | None = None
    province: str | None = None

    def __post_init__(self) -> None:
        if (self.unit is None) == (self.province is None):
            raise ValueError("a report is for one unit or one province")


@dataclass(frozen=True)
class AccessScope:
    """A province (every unit in it) and/or an explicit set of units."""

    province: str | None = None
    units: frozenset[str] = frozenset()

    def allows(self, target: ReportTarget, unit_province: str | None = None) -> bool:
        """`unit_province`: the province the target unit belongs to, when known."""
        if target.province is not None:
            return self.province == target.province
        if target.unit in self.units:
            return True
        return self.province is not None and unit_province == self.province

    def describe(self) -> str:
        if self.province is not None:
            return f"province {self.province}"
        return "units " + ",".join(sorted(self.units))
