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
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.contract.dossier_events import Channel
from motcua_shared.storage.mongo import mongo_client

from reporting.adapters import mongo_collections as c
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.adapters.mongo_reports import MongoReportReader
from reporting.app.one_stop import one_stop_report
from reporting.app.projector import Projector
from reporting.domain.report import OneStopRow
from reporting.domain.scope import ReportTarget
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, vn
from reporting_dataset import province_code, unit_code, unit_dossiers, unit_documents
from reporting_naive import FIGURES, naive_one_stop

BATCH = 10_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--provinces", type=int, default=5)
    parser.add_argument("--procedures", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each projection query")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive query")
    parser.add_argument("--projector-dossiers", type=int, default=250, help="x 4 events through the projector")
    parser.add_argument("--mongodb-url", default=os.environ.get("MONGODB_URL"))
    parser.add_argument("--db-name", default="reporting_bench")
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
    written = {c.DOSSIERS: 0, c.DAILY_COUNTS: 0, c.MONTHLY_COUNTS: 0, c.UNIT_MONTHLY_COUNTS: 0}
    for u in range(args.units):
        n = args.dossiers // args.units + (1 if u < args.dossiers % args.units else 0)
        dossiers, counters = unit_documents(unit_dossiers(u, n, years=args.years, provinces=args.provinces,
                                                          procedures=args.procedures, rnd=rnd))
        for name, docs in ((c.DOSSIERS, dossiers), (c.DAILY_COUNTS, counters["day"]),
                           (c.MONTHLY_COUNTS, counters["month"]), (c.UNIT_MONTHLY_COUNTS, counters["unit_month"])):
            for start in range(0, len(docs), BATCH):
                await db[name].insert_many(docs[start:start + BATCH], ordered=False)
            written[name] += len(docs)
        await db[c.UNITS].insert_one({"_id": unit_code(u), "province_code": province_code(u, args.provinces),
                                      "unit_name": f"UBND đơn vị {u}"})
    return written


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms  " f"(n={len(ordered)})"


def row_figures(row: OneStopRow) -> dict[str, int]:
    return {name: getattr(row, name) for name in FIGURES}


async def timed(repeat: int, query: Any) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await query()
        samples.append(time.perf_counter() - started)
    return samples, result


async def compare(db: Any, label: str, target: ReportTarget, start: date, end: date, args: argparse.Namespace) -> None:
    reader = MongoReportReader(db)
    samples, report = await timed(args.repeat, lambda: one_stop_report(reader, target, start, end, "unit"))
    match = {"unit_code": target.unit} if target.unit else {"province_code": target.province}
    naive_samples, naive = await timed(args.naive_repeat,
                                       lambda: naive_one_stop(db, match, start.isoformat(), end.isoformat()))
    projected = row_figures(report.total)
    print(f"{label:<32} projection {percentiles(samples)}")
    print(f"{'':<32} naive      {percentiles(naive_samples)}")
    print(f"{'':<32} same answer: {projected == naive}  (to handle {report.total.to_handle}, "
          f"resolved {report.total.resolved}, overdue {report.total.in_progress_overdue})")
    if projected != naive:
        print(f"{'':<32} projection {projected}\n{'':<32} naive      {naive}")


async def projector_rate(client: Any, db_name: str, dossiers: int) -> tuple[int, float]:
    db = client[db_name]
    await client.drop_database(db_name)
    await c.ensure_indexes(db)

    async def reject(event: Any, reason: str) -> None:
        raise RuntimeError(reason)

    projector = Projector(MongoProjectionStore(client, db), lambda: datetime.now(timezone.utc), reject)
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
        embedded = EmbeddedMongo(Path(tempfile.mkdtemp(prefix="reporting-bench-"))).start()
    started_at = time.perf_counter()
    client = mongo_client(args.mongodb_url or embedded.url)
    try:
        print(f"server: {await server_name(client, embedded is not None)}")
        print(f"data: {args.dossiers:,} dossiers, {args.units} units, {args.provinces} provinces, "
              f"{args.years} years from 2023-01-01, {args.procedures} procedures")
        db = client[args.db_name]
        started = time.perf_counter()
        written = await load(db, args)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        await c.ensure_indexes(db)
        indexed = time.perf_counter() - started
        docs = sum(written.values())
        print(f"load: {written} in {loaded:.0f} s ({docs / loaded:,.0f} docs/s, insert_many " f"x {BATCH}); "
              f"indexes {indexed:.0f} s")
        year = 2023 + min(1, args.years - 1)
        await compare(db, f"unit-month {unit_code(0)} {year}-06", ReportTarget(unit=unit_code(0)),
                      date(year, 6, 1), date(year, 6, 30), args)
        units_in_province = len(range(0, args.units, args.provinces))
        await compare(db, f"province-year P00 {year} ({units_in_province} units)", ReportTarget(province="P00"),
                      date(year, 1, 1), date(year, 12, 31), args)
        events, rate = await projector_rate(client, f"{args.db_name}_projector", args.projector_dossiers)
        print(f"projector: {events} events (received, handed over, resolved, returned) one " "per transaction "
              "(batches: bench/projector_rate.py): "
              f"{rate:,.0f} events/s")
        print(f"total {time.perf_counter() - started_at:.0f} s")
        if embedded is None:  # an embedded server's files are simply removed
            await client.drop_database(args.db_name)
    finally:
        await client.close()
        if embedded is not None:
            embedded.stop()
            shutil.rmtree(embedded.storage_path, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
