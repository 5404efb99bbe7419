"""The curated data's convention for time: events in Korea carry the local date there.

Pyongyang time is UTC+9, except UTC+8:30 from 2015-08-15 to 2018-05-04: the clocks went back
half an hour at midnight starting 15 August 2015 (15:00 UTC on the 14th) and forward again at
23:30 on 4 May 2018 (15:00 UTC). Both changes fell at 15:00 UTC, so the offset of a UTC instant
is decided by comparing it with those two instants. A source that gives a UTC date and time
(CNS's `Launch Time (UTC)`) is converted to the local date; the UTC time is kept beside it.

    korea_date("2017-11-28", "18:17:00") -> "2017-11-29"   (02:47 local, UTC+8:30)
    korea_date("2017-07-28", "15:11:00") -> "2017-07-28"   (23:41 local; UTC+9 would say the 29th)
"""

from __future__ import annotations

import datetime as dt

UTC_PLUS_830 = (dt.datetime(2015, 8, 14, 15, 0), dt.datetime(2018, 5, 4, 15, 0))  # UTC instants [start, end)


def offset(utc: dt.datetime) -> dt.timedelta:
    """Pyongyang's offset from UTC at a UTC instant (naive datetime in UTC)."""
    start, end = UTC_PLUS_830
    return dt.timedelta(hours=8, minutes=30) if start <= utc < end else dt.timedelta(hours=9)


def korea_date(date: str, utc_time: str | None) -> str:
    """The local date in Korea of a UTC date and time; a date without a time (or not a full date)
    is returned as given: it cannot be converted."""
    if not utc_time or len(date) != 10:
        return date
    utc = dt.datetime.fromisoformat(f"{date}T{utc_time}")
    return (utc + offset(utc)).date().isoformat()


def day_after(date: str) -> str | None:
    """The next day of a full date (the latest local date a UTC date without a time can be)."""
    if len(date) != 10:
        return None
    return (dt.date.fromisoformat(date) + dt.timedelta(days=1)).isoformat()
