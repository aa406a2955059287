"""Benchmark: scans uploaded to and downloaded from intake over HTTP (GridFS behind it).

    .venv/bin/python bench/intake_files.py -n 60 -c 4 --mb 1

Starts an embedded SecantusDB (unless MONGODB_URL is set) and intake on a free port with a
throw-away database and exchange. Receives N dossiers, uploads one scan of --mb MB to each with
C concurrent desk clients, downloads each back, and prints files/s, MB/s, p50/p99; beside it the
limit measured in the same run: the same bytes written and read through AsyncGridFSBucket
directly (no HTTP, no dossier transaction), and which Mongo server it ran on.
"""

import argparse
import asyncio
import os
import time

import httpx
from gridfs.asynchronous import AsyncGridFSBucket
from intake_receive import percentile, server_name, use_run_secrets, with_private_intake

from motcua_shared.config.settings import CommonSettings
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.web.auth import mint_token

CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "cccd": "079203001234",
    "phone": "0912 345 678",
    "consent": True,
}
PROCEDURE = "1.001699"


async def timed_all(jobs, concurrency: int) -> tuple[float, list[float]]:
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            job = queue.get_nowait()
            started = time.perf_counter()
            await job()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


async def bench(
    args: argparse.Namespace, url: str, mongodb_url: str, db_name: str, embedded: bool
) -> None:
    settings = CommonSettings()
    token = mint_token(settings.jwt_secret, "bench-desk", args.unit, ["desk"])
    scan = b"%PDF-1.7\n" + os.urandom(int(args.mb * 1024 * 1024))
    size_mb = len(scan) / 1024 / 1024
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300
    ) as http:
        paper = (await http.get(f"/api/v1/procedures/{PROCEDURE}")).json()["required_papers"][0]
        codes = []
        for _ in range(args.n):
            answer = await http.post(
                "/api/v1/dossiers",
                json={"procedure_code": PROCEDURE, "desk_check": "complete", "citizen": CITIZEN},
            )
            codes.append(answer.json()["code"])
        files: dict[str, str] = {}

        def upload(code: str):
            async def job() -> None:
                answer = await http.post(
                    f"/api/v1/dossiers/{code}/papers",
                    data={"paper": paper},
                    files={"file": ("scan.pdf", scan, "application/pdf")},
                )
                if answer.status_code != 201:
                    raise RuntimeError(f"upload failed: {answer.status_code} {answer.text}")
                files[code] = answer.json()["attachments"][-1]["file_id"]

            return job

        def download(code: str):
            async def job() -> None:
                answer = await http.get(f"/api/v1/dossiers/{code}/files/{files[code]}")
                if answer.status_code != 200 or len(answer.content) != len(scan):
                    raise RuntimeError(f"download failed: {answer.status_code}")

            return job

        up_s, up_lat = await timed_all([upload(c) for c in codes], args.c)
        down_s, down_lat = await timed_all([download(c) for c in codes], args.c)

    client = mongo_client(mongodb_url)
    try:
        bucket = AsyncGridFSBucket(client[db_name], bucket_name="bench_raw")
        ids: list = []

        def raw_put():
            async def job() -> None:
                ids.append(await bucket.upload_from_stream("raw.pdf", scan))

            return job

        raw_up_s, _ = await timed_all([raw_put() for _ in range(args.n)], args.c)

        async def read_all() -> None:
            for file_id in ids:
                await (await bucket.open_download_stream(file_id)).read()

        started = time.perf_counter()
        await read_all()
        raw_down_s = time.perf_counter() - started
    finally:
        await client.close()

    n = args.n
    print(f"Mongo server:          {await server_name(mongodb_url, embedded)}")
    print(f"scans:                 {n} of {size_mb:.2f} MB, {args.c} concurrent desk clients")
    print(
        f"upload over HTTP:      {n / up_s:.1f} files/s, {n * size_mb / up_s:.1f} MB/s, "
        f"p50 {percentile(up_lat, 50) * 1000:.0f} ms / p99 {percentile(up_lat, 99) * 1000:.0f} ms"
    )
    print(
        f"download over HTTP:    {n / down_s:.1f} files/s, {n * size_mb / down_s:.1f} MB/s, "
        f"p50 {percentile(down_lat, 50) * 1000:.0f} ms / p99 "
        f"{percentile(down_lat, 99) * 1000:.0f} ms"
    )
    print(
        f"limit, GridFS direct:  write {n / raw_up_s:.1f} files/s "
        f"({n * size_mb / raw_up_s:.1f} MB/s, "
        f"{args.c} concurrent), read {n / raw_down_s:.1f} files/s "
        f"({n * size_mb / raw_down_s:.1f} MB/s, one by one)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="dossiers, one scan each")
    parser.add_argument("-c", type=int, default=4, help="concurrent desk clients")
    parser.add_argument("--mb", type=float, default=1.0, help="size of each scan in MB")
    parser.add_argument("--unit", default="26734")
    args = parser.parse_args()
    use_run_secrets()
    with_private_intake(
        "files-bench-",
        lambda url, mongodb_url, db_name, embedded: asyncio.run(
            bench(args, url, mongodb_url, db_name, embedded)
        ),
    )


if __name__ == "__main__":
    main()
