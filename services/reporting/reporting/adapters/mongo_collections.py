"""The reporting database: its collections and indexes.

Projections (dropped and rebuilt by `reporting-rebuild`):
- `dossiers`: one small state per dossier, no personal data; indexed for a unit's overdue list;
- `daily_counts` / `monthly_counts`: counters per unit × local day (month) × procedure, the
  overdue rollup (`overdue_change`, domain/counts.py) among them;
- `unit_yearly_counts`: the same per unit, all procedures together, one document per unit ×
  year holding its months: what a unit's reports by unit or month read, one document per year
  of the period (and of the years before it);
- `province_yearly_counts`: the same per province × year, its units' months inside: what a
  province's reports by unit or month read, one document per year whatever its units;
  each with the one index its reads use (every index costs each write on SecantusDB; a range
  on `_id` is a collection scan there, so not that);
- `satisfaction_daily`, `survey_answers`: satisfaction counters and one answer per dossier;
- `feedback_daily`: feedback (phản ánh, kiến nghị) received / answered on time / late per unit ×
  local day of receipt;
- `units`: unit → province and name, as seen on events;
- `processed_events`, `parked_events`: idempotency and events waiting for their predecessor.
Not a projection: `api_keys`.
"""

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

DOSSIERS = "dossiers"
DAILY_COUNTS = "daily_counts"
MONTHLY_COUNTS = "monthly_counts"
UNIT_YEARLY_COUNTS = "unit_yearly_counts"
PROVINCE_YEARLY_COUNTS = "province_yearly_counts"
RETIRED = ("unit_monthly_counts",)  # replaced by unit_yearly_counts: dropped by a rebuild
SATISFACTION_DAILY = "satisfaction_daily"
SURVEY_ANSWERS = "survey_answers"
FEEDBACK_DAILY = "feedback_daily"
UNITS = "units"
PROCESSED_EVENTS = "processed_events"
PARKED_EVENTS = "parked_events"
API_KEYS = "api_keys"

PROJECTIONS = (
    DOSSIERS,
    DAILY_COUNTS,
    MONTHLY_COUNTS,
    UNIT_YEARLY_COUNTS,
    PROVINCE_YEARLY_COUNTS,
    SATISFACTION_DAILY,
    SURVEY_ANSWERS,
    UNITS,
    PROCESSED_EVENTS,
    PARKED_EVENTS,
    FEEDBACK_DAILY,
)

_SCOPES = ("unit_code", "province_code")


async def ensure_indexes(db: AsyncDatabase) -> None:
    # A unit's dossiers overdue now (overdue_until = OPEN_END, due_day < today): only late or open
    # dossiers have overdue_until, so the range never touches dossiers finished in time. Reports'
    # "overdue as of X" read the OVERDUE_CHANGE rollup in the counters, not the dossiers.
    await db[DOSSIERS].create_index(
        [("unit_code", ASCENDING), ("overdue_until", ASCENDING), ("due_day", ASCENDING)]
    )
    for scope in _SCOPES:
        await db[DAILY_COUNTS].create_index([(scope, ASCENDING), ("day", ASCENDING)])
        await db[MONTHLY_COUNTS].create_index([(scope, ASCENDING), ("month", ASCENDING)])
        await db[SATISFACTION_DAILY].create_index([(scope, ASCENDING), ("day", ASCENDING)])
        await db[FEEDBACK_DAILY].create_index([(scope, ASCENDING), ("day", ASCENDING)])
    await db[UNIT_YEARLY_COUNTS].create_index([("unit_code", ASCENDING), ("year", ASCENDING)])
    await db[PROVINCE_YEARLY_COUNTS].create_index(
        [("province_code", ASCENDING), ("year", ASCENDING)]
    )
    await db[PARKED_EVENTS].create_index([("parked_at", ASCENDING)])
    await db[PARKED_EVENTS].create_index(
        [("aggregate_id", ASCENDING)]
    )  # a batch reads its dossiers' parked events
    await db[API_KEYS].create_index([("hash", ASCENDING)], unique=True)


async def drop_projections(db: AsyncDatabase) -> None:
    for name in (*PROJECTIONS, *RETIRED):
        await db.drop_collection(name)
    await ensure_indexes(db)
