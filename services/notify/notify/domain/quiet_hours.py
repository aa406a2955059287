"""Quiet hours: no message to a citizen at night; it waits until the morning."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from motcua_shared.vietnam.timeutil import as_utc


@dataclass(frozen=True)
class QuietHours:
    start: time  # e.g. 21:00 local
    end: time  # e.g. 07:00 local
    tz: ZoneInfo

    def is_quiet(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz).time()
        if self.start == self.end:
            return False
        if self.start < self.end:  # a window inside one day, e.g. 12:00–13:30
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # across midnight

    def release_at(self, moment: datetime) -> datetime:
        """`moment` itself when messages may go out then, else the end of this quiet window
        (UTC)."""
        if not self.is_quiet(moment):
            return as_utc(moment)
        local = moment.astimezone(self.tz)
        release = datetime.combine(local.date(), self.end, tzinfo=self.tz)
        if release <= local:
            release += timedelta(days=1)
        return as_utc(release)
