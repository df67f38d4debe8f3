"""The one moment a build is stamped with, so that equal sources give equal bytes.

`SOURCE_DATE_EPOCH` wins when set; otherwise the book's `date`, otherwise the newest
source file's modification time. Never the clock.
"""

from __future__ import annotations

import datetime
import os

from bookwright.model import ChapterSource, Config

LATEST = 253402300799  # 9999-12-31T23:59:59Z: a larger SOURCE_DATE_EPOCH is not a date, and is ignored


def build_moment(config: Config, chapters: list[ChapterSource]) -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and int(epoch) <= LATEST:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    date = config.metadata.date
    if date:
        parts = [int(p) for p in date.split("-")] + [1, 1]
        return datetime.datetime(parts[0], parts[1], parts[2], tzinfo=datetime.timezone.utc)
    newest = max([c.path.stat().st_mtime for c in chapters] + [config.toml_path.stat().st_mtime])
    return datetime.datetime.fromtimestamp(int(newest), datetime.timezone.utc)
