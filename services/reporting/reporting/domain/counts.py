"""The one-stop counters kept per unit × local day × procedure (and rolled up per month).

Refusals are counted in two places, as the report form does: `refused_at_desk` (Phiếu từ chối
tiếp nhận: never received, so outside "to handle") and `resolved_refused` (a resolution whose
outcome is a refusal: also counted in resolved early / on time / late).
"""

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from motcua_shared.contract.dossier_events import Channel

RECEIVED_BY_CHANNEL = MappingProxyType(
    {
        Channel.ONLINE: "received_online",
        Channel.DIRECT: "received_direct",
        Channel.POSTAL: "received_postal",
    }
)
RESOLVED_EARLY = "resolved_early"
RESOLVED_ON_TIME = "resolved_on_time"
RESOLVED_LATE = "resolved_late"
RESOLVED_REFUSED = "resolved_refused"
WITHDRAWN = "withdrawn"
REFUSED_AT_DESK = "refused_at_desk"

# Deadlines (intake's dossier.due_soon / .overdue and the apology, Decree 118/2025/NĐ-CP; form 04
# of Circular 03/2025/TT-VPCP): dossiers warned before their due date, apologised in time (before
# the statutory due date), and that went overdue while being processed — once each per dossier,
# on the local day it happened. Kept beside the one-stop counters, not in the one-stop table.
WARNED = "warned"
APOLOGISED_IN_TIME = "apologised_in_time"
WENT_OVERDUE = "went_overdue"
DEADLINE_FIELDS = (WARNED, APOLOGISED_IN_TIME, WENT_OVERDUE)

RECEIVED_FIELDS = tuple(RECEIVED_BY_CHANNEL.values())
RESOLVED_FIELDS = (RESOLVED_EARLY, RESOLVED_ON_TIME, RESOLVED_LATE)
COUNT_FIELDS = (*RECEIVED_FIELDS, *RESOLVED_FIELDS, RESOLVED_REFUSED, WITHDRAWN, REFUSED_AT_DESK)

# Service-index counters (Decision 766/QĐ-TTg: digitisation, online payment), per unit × day ×
# procedure like the others but outside the one-stop table: dossiers whose papers were digitised
# (counted once, the day of the first scan), dossiers whose result was digitised, fees paid
# online / in cash (the day paid), fees waived.
DIGITISED_PAPERS = "digitised_papers"
DIGITISED_RESULTS = "digitised_results"
FEES_PAID_ONLINE = "fees_paid_online"
FEES_PAID_CASH = "fees_paid_cash"
FEES_WAIVED = "fees_waived"
SERVICE_FIELDS = (
    DIGITISED_PAPERS,
    DIGITISED_RESULTS,
    FEES_PAID_ONLINE,
    FEES_PAID_CASH,
    FEES_WAIVED,
)

# "In progress, overdue" as of a day X (form 04 of Circular 03/2025/TT-VPCP) as a rollup: each
# dossier that is overdue from day A to day B (due day < X < overdue_until, clock running) adds
# +1 on day A and -1 on day B; the number overdue on day X is the sum of this counter over every
# day up to X, i.e. the counters before the period plus those of the period, which the one-stop
# report reads anyway. A change of the span (finished, clock stopped or restarted, new due date)
# takes the old span back and adds the new one, so the sum always equals the dossiers' states.
OVERDUE_CHANGE = "overdue_change"
ALL_FIELDS = (*COUNT_FIELDS, *DEADLINE_FIELDS, *SERVICE_FIELDS, OVERDUE_CHANGE)

Counts = dict[str, int]


@dataclass(frozen=True)
class CountChange:
    """Add `delta` (one, unless said) to counter `name` on local day `day` (of the dossier's unit
    and procedure)."""

    day: date
    name: str
    delta: int = 1


def received(counts: Counts) -> int:
    return sum(counts.get(name, 0) for name in RECEIVED_FIELDS)


def overdue_as_of_end(before: Counts, period: Counts) -> int:
    """Dossiers overdue on the period's last day: every OVERDUE_CHANGE up to that day."""
    return before.get(OVERDUE_CHANGE, 0) + period.get(OVERDUE_CHANGE, 0)


def finished(counts: Counts) -> int:
    """Resolved (any outcome) or withdrawn: no longer in progress."""
    return sum(counts.get(name, 0) for name in RESOLVED_FIELDS) + counts.get(WITHDRAWN, 0)
