"""The access log keeps no suggestion sender's address and no survey token."""

import logging

from survey.access_log import PrivateAccessFilter


def _line(client: str, method: str, path: str) -> str:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (client, method, path, "1.1", 200),
        None,
    )
    PrivateAccessFilter().filter(record)
    return record.getMessage()


def test_suggestion_senders_and_survey_tokens_stay_out_of_the_access_log():
    assert _line("1.2.3.4:5", "POST", "/hop-thu/79-1") == '- - "POST /hop-thu/79-1 HTTP/1.1" 200'
    assert "1.2.3.4" not in _line("1.2.3.4:5", "POST", "/api/v1/units/79-1/suggestions")
    assert (
        _line("1.2.3.4:5", "GET", "/s/abcDEF123_-") == '1.2.3.4:5 - "GET /s/<token> HTTP/1.1" 200'
    )
    assert _line("1.2.3.4:5", "GET", "/api/v1/units/79-1/tally?month=2026-03").startswith(
        "1.2.3.4:5"
    )
