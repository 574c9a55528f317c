"""The top of a small issue file for tests that write their own issues."""

from __future__ import annotations


def issue_head(pages: int, volume: int = 99, issued: str = "2021-04", cover: str = "") -> str:
    """Series, volume, date, page count, cover line and colophon, up to `articles:`;
    `cover` is extra top-level YAML (a cover_image) put after the cover line."""
    return (f"series:\n"
            f"  initiative: CLEAN ASIA INITIATIVE (CAI)\n"
            f"  title: CAI NEWSLETTER\n"
            f"  title_ja: クリーンアジア・イニシアティブ ニュースレター\n"
            f"volume: {volume}\n"
            f"issued: \"{issued}\"\n"
            f"pages: {pages}\n"
            f"cover_line: 脱炭素社会の実現に向けた日本のイニシアティブ\n"
            f"{cover}"
            f"colophon:\n"
            f"  publisher: 発行者\n"
            f"  producer: 制作者\n"
            f"  contacts:\n"
            f"    - name: 連絡先\n"
            f"      address: 住所\n"
            f"articles:\n")
