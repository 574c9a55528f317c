"""The cache between builds stays under its size limit, dropping what was used longest ago."""

import os
import time

from caipdf import cache
from caipdf.commands.build import build
from conftest import VOL19

DAY = 86400


def _stale(path, size, days_unused, made_days_ago=30):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    now = time.time()
    os.utime(path, (now - days_unused * DAY, now - made_days_ago * DAY))


def test_a_build_trims_the_cache_to_its_limit_oldest_use_first(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAIPDF_CACHE", str(folder))
    monkeypatch.setattr(cache, "_written_since_trim", None)  # as in a new process
    # What an earlier week of edits left: 6 MB of subsets and photos nobody uses now,
    # and one photo made a month ago but used by yesterday's build.
    for day in range(6):
        _stale(folder / "fonts" / f"old{day}.font", 2**20, days_unused=7 + day)
    _stale(folder / "images" / "yesterday.jpg", 2**20, days_unused=1)
    first = build(VOL19, tmp_path / "a.pdf").output
    made_now = {path: path.stat().st_mtime_ns for path in folder.rglob("*")
                if path.is_file() and not path.name.startswith(("old", "yesterday"))}
    made_bytes = sum(path.stat().st_size for path in made_now)
    monkeypatch.setenv("CAIPDF_CACHE_MB", str(-(-made_bytes // 2**20) + 2))  # room for 2 old files

    monkeypatch.setattr(cache, "_written_since_trim", None)
    cache.keep("fonts/new.font", b"x")  # the next process's first write trims
    left = sorted(path.name for path in (folder / "fonts").glob("old*"))
    assert sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) <= cache.limit()
    assert left == ["old0.font"]  # the ones unused longest went first
    assert (folder / "images" / "yesterday.jpg").exists()  # used yesterday, made a month ago
    # What this build made is all still there and is reused as it is.
    again = build(VOL19, tmp_path / "b.pdf").output
    assert again.read_bytes() == first.read_bytes()
    assert {path: path.stat().st_mtime_ns for path in made_now} == made_now


def test_files_used_within_the_hour_are_never_trimmed(tmp_path, monkeypatch):
    monkeypatch.setenv("CAIPDF_CACHE", str(tmp_path / "cache"))
    _stale(tmp_path / "cache" / "images" / "old.jpg", 2**20, days_unused=3)
    assert cache.read("images/old.jpg") is not None  # a build reads it now
    cache.trim(0)
    assert (tmp_path / "cache" / "images" / "old.jpg").exists()
    _stale(tmp_path / "cache" / "images" / "old.jpg", 2**20, days_unused=3)
    cache.trim(0)
    assert not (tmp_path / "cache" / "images" / "old.jpg").exists()


def test_a_cache_limit_that_is_not_a_number_is_a_clear_error(tmp_path, monkeypatch, capfd):
    from caipdf.cli import main

    monkeypatch.setenv("CAIPDF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAIPDF_CACHE_MB", "2GB")
    monkeypatch.setattr(cache, "_written_since_trim", None)
    assert main(["build", str(VOL19), "-o", str(tmp_path / "a.pdf")]) == 1
    err = capfd.readouterr().err
    assert "CAIPDF_CACHE_MB is '2GB', not a number of megabytes" in err and "fix:" in err
    assert "Traceback" not in err and not (tmp_path / "a.pdf").exists()
