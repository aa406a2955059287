"""Quiet hours, the delivery policy (Zalo first, SMS fallback, backoff) and ZNS error classes."""

from datetime import UTC, datetime, time, timedelta

import pytest

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.timeutil import VN_TZ

from notify.adapters.zalo_errors import classify
from notify.domain.delivery_policy import (
    Fail,
    MarkSent,
    Outcome,
    RetryLater,
    RetryPolicy,
    SendResult,
    decide,
    first_channel,
)
from notify.domain.opt_out import is_stop_request
from notify.domain.quiet_hours import QuietHours

QUIET = QuietHours(time(21, 0), time(7, 0), VN_TZ)
ZALO, SMS = MessageChannel.ZALO, MessageChannel.SMS
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def vn(hour, minute=0, day=25):
    return datetime(2026, 11, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("moment", "release"),
    [
        (vn(10), vn(10)),
        (vn(20, 59), vn(20, 59)),
        (vn(21), vn(7, day=26)),
        (vn(23, 30), vn(7, day=26)),
        (vn(0, 5), vn(7)),
        (vn(6, 59), vn(7)),
        (vn(7), vn(7)),
    ],
)
def test_quiet_hours_release_in_the_morning(moment, release):
    assert QUIET.release_at(moment) == release
    assert QUIET.release_at(moment).tzinfo is not None


def test_a_window_inside_the_day_and_none():
    lunch = QuietHours(time(12, 0), time(13, 30), VN_TZ)
    assert lunch.release_at(vn(12, 15)) == vn(13, 30) and not lunch.is_quiet(vn(13, 30))
    assert not QuietHours(time(0), time(0), VN_TZ).is_quiet(vn(3))


def test_preferred_channel():
    assert first_channel(ZALO, zalo_enabled=True) == ZALO
    assert first_channel(SMS, zalo_enabled=True) == SMS
    assert first_channel(ZALO, zalo_enabled=False) == SMS


POLICY = RetryPolicy(zalo_max_attempts=3, sms_max_attempts=2, base_seconds=30, max_seconds=100)


@pytest.mark.parametrize(
    ("channel", "attempts", "outcome", "expected"),
    [
        (ZALO, 1, Outcome.ACCEPTED, MarkSent("m1")),
        (ZALO, 1, Outcome.NOT_ON_CHANNEL, RetryLater(SMS, NOW)),
        (ZALO, 1, Outcome.PERMANENT, RetryLater(SMS, NOW)),
        (ZALO, 1, Outcome.TRANSIENT, RetryLater(ZALO, NOW + timedelta(seconds=30))),
        (ZALO, 2, Outcome.TRANSIENT, RetryLater(ZALO, NOW + timedelta(seconds=60))),
        (ZALO, 3, Outcome.TRANSIENT, RetryLater(SMS, NOW)),  # Zalo keeps failing: SMS
        (SMS, 1, Outcome.TRANSIENT, RetryLater(SMS, NOW + timedelta(seconds=30))),
    ],
)
def test_decisions(channel, attempts, outcome, expected):
    result = SendResult(outcome, provider_id="m1" if outcome == Outcome.ACCEPTED else None)
    assert decide(channel, attempts, result, POLICY, NOW) == expected


def test_sms_failures_end_the_message():
    assert isinstance(
        decide(SMS, 2, SendResult(Outcome.TRANSIENT, detail="503"), POLICY, NOW), Fail
    )
    failed = decide(SMS, 1, SendResult(Outcome.PERMANENT, detail="blocked"), POLICY, NOW)
    assert isinstance(failed, Fail) and "blocked" in failed.reason


def test_backoff_is_capped():
    assert POLICY.backoff(10) == timedelta(seconds=100)


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (0, Outcome.ACCEPTED),
        (-118, Outcome.NOT_ON_CHANNEL),
        (-119, Outcome.NOT_ON_CHANNEL),
        (-100, Outcome.TRANSIENT),
        (-144, Outcome.TRANSIENT),
        (-109, Outcome.PERMANENT),
        (-115, Outcome.PERMANENT),
    ],
)
def test_zns_error_codes(code, outcome):
    assert classify(code) == outcome


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("STOP", True),
        ("stop", True),
        (" Hủy ", True),
        ("từ chối nhận tin", True),
        ("TU CHOI", True),
        ("stopwatch", False),
        ("cảm ơn", False),
        ("", False),
    ],
)
def test_stop_words(text, stop):
    assert is_stop_request(text) is stop
