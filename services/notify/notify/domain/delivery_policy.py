"""What to do after a provider answered: Zalo first, SMS when the number has no Zalo account,
Zalo refuses, or Zalo keeps failing; transient failures retry with backoff, permanent ones not."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from motcua_shared.contract.event_base import MessageChannel


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    NOT_ON_CHANNEL = "not_on_channel"  # no Zalo account / user not reachable on Zalo
    TRANSIENT = "transient"  # timeout, 5xx, rate limit: try again later
    PERMANENT = "permanent"  # this provider will never take this message


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_id: str | None = None
    detail: str = ""  # e.g. "zalo error -118: Zalo account not existed"


@dataclass(frozen=True)
class RetryPolicy:
    zalo_max_attempts: int = 3
    sms_max_attempts: int = 5
    base_seconds: float = 30.0
    max_seconds: float = 1800.0

    def max_attempts(self, channel: MessageChannel) -> int:
        return self.zalo_max_attempts if channel == MessageChannel.ZALO else self.sms_max_attempts

    def backoff(self, attempt: int) -> timedelta:
        return timedelta(
            seconds=min(self.base_seconds * 2 ** max(attempt - 1, 0), self.max_seconds)
        )


@dataclass(frozen=True)
class MarkSent:
    provider_id: str | None


@dataclass(frozen=True)
class RetryLater:
    channel: MessageChannel
    at: datetime


@dataclass(frozen=True)
class Fail:
    reason: str


Decision = MarkSent | RetryLater | Fail


def first_channel(preferred: MessageChannel, zalo_enabled: bool) -> MessageChannel:
    """The citizen's preferred channel: Zalo (SMS as fallback) or SMS only."""
    return (
        MessageChannel.ZALO
        if preferred == MessageChannel.ZALO and zalo_enabled
        else MessageChannel.SMS
    )


def decide(
    channel: MessageChannel, attempts: int, result: SendResult, policy: RetryPolicy, now: datetime
) -> Decision:
    """`attempts`: calls made on `channel` so far, this one included."""
    if result.outcome == Outcome.ACCEPTED:
        return MarkSent(result.provider_id)
    if channel == MessageChannel.ZALO:
        if result.outcome == Outcome.TRANSIENT and attempts < policy.max_attempts(channel):
            return RetryLater(channel, now + policy.backoff(attempts))
        return RetryLater(MessageChannel.SMS, now)  # no account, refused, or kept failing
    if result.outcome == Outcome.TRANSIENT:
        if attempts < policy.max_attempts(channel):
            return RetryLater(channel, now + policy.backoff(attempts))
        return Fail(f"sms kept failing after {attempts} attempts: {result.detail}")
    return Fail(f"sms refused: {result.detail}")
