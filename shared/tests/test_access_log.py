"""The access log keeps the path, never the query string (the look-up's phone digits), and
leaves out the probes and scrapes of /healthz, /readyz and /metrics."""

import logging

from motcua_shared.ops.logs import DropPaths, DropQueryStrings
from motcua_shared.ops.operations import OPS_PATHS


def access_record(path: str) -> logging.LogRecord:
    # The exact shape uvicorn's h11/httptools protocols log.
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 404),
        None,
    )


def test_query_string_is_cut_from_the_access_line() -> None:
    record = access_record("/api/v1/public/dossiers/26734-260310-0001?phone_last4=5678")
    assert DropQueryStrings().filter(record)
    assert (
        record.getMessage()
        == '127.0.0.1:5000 - "GET /api/v1/public/dossiers/26734-260310-0001 HTTP/1.1" 404'
    )


def test_other_records_pass_unchanged() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "plain %s", ("a?b",), None
    )
    assert DropQueryStrings().filter(record) and record.getMessage() == "plain a?b"


def test_probe_and_scrape_requests_are_left_out_of_the_access_log() -> None:
    quiet = DropPaths(OPS_PATHS)
    assert {"/healthz", "/readyz", "/metrics"} == OPS_PATHS  # the paths deploy/ probes and scrapes
    assert not any(
        quiet.filter(access_record(path)) for path in ("/healthz", "/readyz", "/metrics?x=1")
    )
    assert quiet.filter(access_record("/api/v1/dossiers"))
