"""Reporting benchmark: load projections for N dossiers, then time the one-stop query for one
unit-month and one province-year against a naive aggregation over the per-dossier documents,
and the projector's events/s.

    .venv/bin/python bench/reporting_load.py --dossiers 1000000 --units 100 --years 3

Uses MONGODB_URL (or --mongodb-url) when given, else starts an embedded SecantusDB server. The
projection documents are written directly with insert_many (not through the broker); the
projector figure applies a separate, smaller batch of events through the projector's own code.
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pymongo.errors import BulkWriteError
from reporting_dataset import (
    merge_province,
    province_code,
    unit_code,
    unit_documents,
    unit_dossiers,
)
from reporting_naive import FIGURES, naive_one_stop

from motcua_shared.contract.dossier_events import Channel
from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.storage.mongo import mongo_client

from reporting.adapters import mongo_collections as c
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.adapters.mongo_reports import MongoReportReader
from reporting.adapters.projection_documents import PROVINCE_YEAR, UNIT_YEAR
from reporting.app.one_stop import one_stop_report
from reporting.app.projector import Projector
from reporting.domain.report import OneStopRow
from reporting.domain.scope import ReportTarget
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, vn

BATCH = 2_000  # one insert_many answers well within the driver's timeouts on a loaded machine
DUPLICATE_KEY = 11000


async def insert_once(collection: Any, docs: list[dict[str, Any]]) -> None:
    """insert_many that may be retried: pymongo retries a write whose answer it lost (a timeout on
    a loaded machine), and the retry finds the documents of the first attempt already there. A
    duplicate key is then what was asked for (the data set's ids are unique); any other error is
    raised. (The 1,000,000-dossier load crashed on exactly this with 10,000-document batches.)"""
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        others = [e for e in exc.details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY]
        if others or exc.details.get("writeConcernErrors"):
            raise


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--provinces", type=int, default=5)
    parser.add_argument("--procedures", type=int, default=10)
    parser.add_argument(
        "--repeat", type=int, default=30, help="timed runs of each projection query"
    )
    parser.add_argument(
        "--naive-repeat", type=int, default=3, help="timed runs of each naive query"
    )
    parser.add_argument(
        "--projector-dossiers", type=int, default=250, help="x 4 events through the projector"
    )
    parser.add_argument("--mongodb-url", default=os.environ.get("MONGODB_URL"))
    parser.add_argument("--db-name", default="reporting_bench")
    parser.add_argument(
        "--rollups-only",
        action="store_true",
        help="load only what one-stop reports by unit over whole months read (the per-unit "
        "rollup): the figure at 1,000,000 dossiers without hours of loading; no naive "
        "comparison (no dossier documents)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="the embedded server's files here, kept after the run; "
        "a later run with the same --keep and data options reuses the loaded data",
    )
    return parser.parse_args()


async def server_name(client: Any, embedded: bool) -> str:
    info = await client.admin.command("buildInfo")
    if "secantusVersion" in info:
        where = " (embedded)" if embedded else ""
        return f"SecantusDB {info['secantusVersion']} (mongo wire {info['version']}){where}"
    return f"MongoDB {info['version']}"


async def load(db: Any, args: argparse.Namespace) -> dict[str, int]:
    for name in c.PROJECTIONS:
        await db.drop_collection(name)
    rnd = random.Random(766)
    written = {c.DOSSIERS: 0, c.DAILY_COUNTS: 0, c.MONTHLY_COUNTS: 0, c.UNIT_YEARLY_COUNTS: 0}
    provinces: dict[str, dict[str, Any]] = {}
    for u in range(args.units):
        n = args.dossiers // args.units + (1 if u < args.dossiers % args.units else 0)
        dossiers, counters = unit_documents(
            unit_dossiers(
                u,
                n,
                years=args.years,
                provinces=args.provinces,
                procedures=args.procedures,
                rnd=rnd,
            )
        )
        grains = (
            (c.DOSSIERS, dossiers),
            (c.DAILY_COUNTS, counters["day"]),
            (c.MONTHLY_COUNTS, counters["month"]),
            (c.UNIT_YEARLY_COUNTS, counters[UNIT_YEAR]),
        )
        for name, docs in grains[3:] if args.rollups_only else grains:
            for start in range(0, len(docs), BATCH):
                await insert_once(db[name], docs[start : start + BATCH])
            written[name] += len(docs)
        merge_province(provinces, counters[PROVINCE_YEAR])
        await db[c.UNITS].insert_one(
            {
                "_id": unit_code(u),
                "province_code": province_code(u, args.provinces),
                "unit_name": f"UBND đơn vị {u}",
            }
        )
    await insert_once(db[c.PROVINCE_YEARLY_COUNTS], list(provinces.values()))
    written[c.PROVINCE_YEARLY_COUNTS] = len(provinces)
    return written


async def load_unit_rollup(db: Any, args: argparse.Namespace) -> int:
    """The per-unit and per-province rollups alone, from the same (seeded) data set."""
    rnd, written = random.Random(766), 0
    provinces: dict[str, dict[str, Any]] = {}
    for u in range(args.units):
        n = args.dossiers // args.units + (1 if u < args.dossiers % args.units else 0)
        _, counters = unit_documents(
            unit_dossiers(
                u,
                n,
                years=args.years,
                provinces=args.provinces,
                procedures=args.procedures,
                rnd=rnd,
            )
        )
        await insert_once(db[c.UNIT_YEARLY_COUNTS], counters[UNIT_YEAR])
        written += len(counters[UNIT_YEAR])
        merge_province(provinces, counters[PROVINCE_YEAR])
    await insert_once(db[c.PROVINCE_YEARLY_COUNTS], list(provinces.values()))
    return written + len(provinces)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms  "
        f"(n={len(ordered)})"
    )


def row_figures(row: OneStopRow) -> dict[str, int]:
    return {name: getattr(row, name) for name in FIGURES}


async def timed(repeat: int, query: Any) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await query()
        samples.append(time.perf_counter() - started)
    return samples, result


async def compare(
    db: Any, label: str, target: ReportTarget, start: date, end: date, args: argparse.Namespace
) -> float:
    """Times the one-stop report (and the naive aggregation); returns the report's p50."""
    reader = MongoReportReader(db)
    samples, report = await timed(
        args.repeat, lambda: one_stop_report(reader, target, start, end, "unit")
    )
    match = {"unit_code": target.unit} if target.unit else {"province_code": target.province}
    if args.rollups_only:
        print(
            f"{label:<32} projection {percentiles(samples)}  (to handle {report.total.to_handle}, "
            f"resolved {report.total.resolved}, overdue {report.total.in_progress_overdue})"
        )
        return statistics.median(samples)
    naive_samples, naive = await timed(
        max(args.naive_repeat, 1),
        lambda: naive_one_stop(db, match, start.isoformat(), end.isoformat()),
    )
    projected = row_figures(report.total)
    print(f"{label:<32} projection {percentiles(samples)}")
    print(f"{'':<32} naive      {percentiles(naive_samples)}")
    print(
        f"{'':<32} same answer: {projected == naive}  (to handle {report.total.to_handle}, "
        f"resolved {report.total.resolved}, overdue {report.total.in_progress_overdue})"
    )
    if projected != naive:
        print(f"{'':<32} projection {projected}\n{'':<32} naive      {naive}")
    return statistics.median(samples)


async def projector_rate(client: Any, db_name: str, dossiers: int) -> tuple[int, float]:
    db = client[db_name]
    await client.drop_database(db_name)
    await c.ensure_indexes(db)

    async def reject(event: Any, reason: str) -> None:
        raise RuntimeError(reason)

    projector = Projector(MongoProjectionStore(client, db), lambda: datetime.now(UTC), reject)
    unit, procedure = Unit("B001", "UBND bench", "PB"), Procedure("PRB", "Thủ tục bench", "FB")
    events = []
    for i in range(dossiers):
        script = DossierScript(f"B001-{i:06d}", unit, procedure, Channel.ONLINE)
        script.received(vn(2026, 2, 2), due(2026, 2, 9)), script.handed_over(vn(2026, 2, 3))
        script.resolved(vn(2026, 2, 6)), script.returned(vn(2026, 2, 9))
        events += script.envelopes
    started = time.perf_counter()
    for envelope in events:
        await projector.project(envelope)
    elapsed = time.perf_counter() - started
    await client.drop_database(db_name)
    return len(events), len(events) / elapsed


async def main(args: argparse.Namespace) -> None:
    embedded = None
    if not args.mongodb_url:
        embedded = EmbeddedMongo(
            args.keep or Path(tempfile.mkdtemp(prefix="reporting-bench-"))
        ).start()
    started_at = time.perf_counter()
    client = mongo_client(args.mongodb_url or embedded.url)
    try:
        print(f"server: {await server_name(client, embedded is not None)}")
        print(
            f"data: {args.dossiers:,} dossiers, {args.units} units, {args.provinces} provinces, "
            f"{args.years} years from 2023-01-01, {args.procedures} procedures"
        )
        db = client[args.db_name]
        loaded_marker = {
            "_id": "bench",
            "args": [
                args.dossiers,
                args.units,
                args.years,
                args.provinces,
                args.procedures,
                args.rollups_only,
            ],
        }
        if args.keep and await db["bench_loaded"].find_one(loaded_marker):
            print(f"load: reusing the data set loaded earlier in {args.keep}")
            if not await db[c.PROVINCE_YEARLY_COUNTS].count_documents({}):  # an older version's
                for name in (c.UNIT_YEARLY_COUNTS, c.PROVINCE_YEARLY_COUNTS):
                    await db.drop_collection(name)
                print(
                    f"      rebuilt its {c.UNIT_YEARLY_COUNTS}, {c.PROVINCE_YEARLY_COUNTS}: "
                    f"{await load_unit_rollup(db, args)} documents"
                )
        else:
            started = time.perf_counter()
            written = await load(db, args)
            loaded = time.perf_counter() - started
            docs = sum(written.values())
            print(
                f"load: {written} in {loaded:.0f} s "
                f"({docs / loaded:,.0f} docs/s, insert_many x {BATCH})"
            )
        started = time.perf_counter()
        await c.ensure_indexes(db)
        print(f"indexes {time.perf_counter() - started:.0f} s")
        if args.keep:
            await db["bench_loaded"].replace_one({"_id": "bench"}, loaded_marker, upsert=True)
        year = 2023 + min(1, args.years - 1)
        unit_month = await compare(
            db,
            f"unit-month {unit_code(0)} {year}-06",
            ReportTarget(unit=unit_code(0)),
            date(year, 6, 1),
            date(year, 6, 30),
            args,
        )
        units_in_province = len(range(0, args.units, args.provinces))
        province_year = await compare(
            db,
            f"province-year P00 {year} ({units_in_province} units)",
            ReportTarget(province="P00"),
            date(year, 1, 1),
            date(year, 12, 31),
            args,
        )
        print(f"province-year / unit-month p50: {province_year / unit_month:.1f}x")
        events, rate = await projector_rate(
            client, f"{args.db_name}_projector", args.projector_dossiers
        )
        print(
            f"projector: {events} events (received, handed over, resolved, returned) one "
            "per transaction "
            "(batches: bench/projector_rate.py): "
            f"{rate:,.0f} events/s"
        )
        print(f"total {time.perf_counter() - started_at:.0f} s")
        if embedded is None and not args.keep:  # an embedded server's files are simply removed
            await client.drop_database(args.db_name)
    finally:
        await client.close()
        if embedded is not None:
            embedded.stop()
            if not args.keep:
                shutil.rmtree(embedded.storage_path, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
