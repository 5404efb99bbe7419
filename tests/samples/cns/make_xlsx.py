"""Writes a small workbook in the layout of the published CNS XLSX (title on row 1, header on
row 2 of the sheet `Missile Tests`, dates as Excel serial numbers, times as fractions of a day).
The tests call `write(path)`; run it directly to write missile_tests.xlsx beside this file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

COLUMNS = ["F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
           "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name", "Facility Latitude",
           "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled", "Confirmation Status",
           "Test Outcome", "Additional Information", "Source(s)"]
ROWS = [
    # Excel serial date (30781 = 1984-04-09), no time
    [1, 30781, 42809, None, "Scud-B", "SRBM", "Unknown", "Tonghae Satellite Launching Ground", "Hwadae County",
     "Musudan-ri", 40.8558, 129.6658, "Unknown", "Unknown", "N/A", "Confirmed", "Failure", "Sample row.",
     "Sample citation A; https://example.org/cns/sample-a"],
    # the day unknown: text, as in the CSV
    [2, "Sep-84", 42809, "Unknown", "Hwasong-6", "SRBM", "Unknown", "Unknown", "Unknown", None, None, None,
     "Unknown", "Unknown", "Unknown", "Unconfirmed", "Unknown", "Sample row.", "Sample citation A"],
    # two launches on one day: serial dates and day fractions (0.379166... = 09:06:00)
    [3, 43589, dt.datetime(2019, 6, 6), 9 / 24 + 6 / 1440, "Hwasong-11A (KN-23)", "SRBM", "Korean People's Army",
     "Sample Peninsula Launch Area", "Sample County", None, 39.17, 127.49, "Sea of Japan", "between 25 and 90 km",
     "240 km", "Confirmed", "Success", "Sample row.", "https://example.org/cns/sample-b"],
    [4, 43589, dt.datetime(2019, 6, 6), dt.time(9, 29), "Hwasong-11A (KN-23)", "SRBM", "Korean People's Army",
     "Sample Peninsula Launch Area", "Sample County", None, 39.17, 127.49, "Sea of Japan", "60 km", "1,380 km",
     "Confirmed", "Success", "Sample row.", "https://example.org/cns/sample-b"],
]


def write(path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Missile Tests"
    ws.append(["CNS North Korea Missile Test Database (sample written for the tests)"])
    ws.append(COLUMNS)
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return Path(path)


if __name__ == "__main__":
    print(write(Path(__file__).with_name("missile_tests.xlsx")))
