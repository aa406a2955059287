"""The reporting database: its collections and indexes.

Projections (dropped and rebuilt by `reporting-rebuild`):
- `dossiers`: one small state per dossier, no personal data; indexed for "overdue as of X";
- `daily_counts` / `monthly_counts`: counters per unit × local day (month) × procedure;
- `unit_monthly_counts`: the same per unit × month, all procedures together: what reports by
  unit or month over a province or a year read (a twelfth of a year's rows per procedure);
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
UNIT_MONTHLY_COUNTS = "unit_monthly_counts"
SATISFACTION_DAILY = "satisfaction_daily"
SURVEY_ANSWERS = "survey_answers"
FEEDBACK_DAILY = "feedback_daily"
UNITS = "units"
PROCESSED_EVENTS = "processed_events"
PARKED_EVENTS = "parked_events"
API_KEYS = "api_keys"

PROJECTIONS = (DOSSIERS, DAILY_COUNTS, MONTHLY_COUNTS, UNIT_MONTHLY_COUNTS, SATISFACTION_DAILY, SURVEY_ANSWERS, UNITS,
               PROCESSED_EVENTS, PARKED_EVENTS, FEEDBACK_DAILY)

_SCOPES = ("unit_code", "province_code")


async def ensure_indexes(db: AsyncDatabase) -> None:
    for scope in _SCOPES:
        # "overdue as of X": overdue_until > X and due_day < X; only late or open dossiers have
        # overdue_until, so the range scan never touches dossiers finished in time.
        await db[DOSSIERS].create_index([(scope, ASCENDING), ("overdue_until", ASCENDING), ("due_day", ASCENDING)])
        await db[DAILY_COUNTS].create_index([(scope, ASCENDING), ("day", ASCENDING)])
        await db[MONTHLY_COUNTS].create_index([(scope, ASCENDING), ("month", ASCENDING)])
        await db[UNIT_MONTHLY_COUNTS].create_index([(scope, ASCENDING), ("month", ASCENDING)])
        await db[SATISFACTION_DAILY].create_index([(scope, ASCENDING), ("day", ASCENDING)])
        await db[FEEDBACK_DAILY].create_index([(scope, ASCENDING), ("day", ASCENDING)])
    await db[PARKED_EVENTS].create_index([("parked_at", ASCENDING)])
    await db[PARKED_EVENTS].create_index([("aggregate_id", ASCENDING)])  # a batch reads its dossiers' parked events
    await db[API_KEYS].create_index([("hash", ASCENDING)], unique=True)


async def drop_projections(db: AsyncDatabase) -> None:
    for name in PROJECTIONS:
        await db.drop_collection(name)
    await ensure_indexes(db)
