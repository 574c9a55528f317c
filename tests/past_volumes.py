"""Past volumes for the tests, made here (never put invented content in issues/):
one printed by another tool (plain WeasyPrint from an HTML string, with the
repository's fonts), one scanned (a page image with the text drawn into it,
so that OCR has something to read), one drawn in CMYK by a content stream,
and the issue file that declares each."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

GOTHIC = ROOT / "fonts" / "BIZUDGothic-Regular.ttf"
SERIES = """series:
  initiative: CLEAN ASIA INITIATIVE (CAI)
  title: CAI NEWSLETTER
  title_ja: クリーンアジア・イニシアティブ ニュースレター
"""
# Words that only the printed volume holds, as its pages have them.
PRINTED_PAGE_2 = "干潟の渡り鳥調査とマングローブ植林"
PRINTED_PAGES = [
    "<h1>第918号 湿地特集</h1><p>湿地の保全について報告します。"
    "ＪＣＭの取り組みを紹介します。</p><p class=veil>半透明の枠</p>",
    f"<h1>第二の記事</h1><p>{PRINTED_PAGE_2}を続けています。</p>",
]
# Tesseract 5.3's jpn reads these lines right at 200 dpi (and 森 as 条: OCR is not perfect).
SCANNED_LINES = ["第905号", "水質調査と廃棄物管理"]


def declare(folder: Path, stem: str, volume: int, issued: str, pdf: str, pages: int,
            contents: list[tuple[int, str]], extra: str = "") -> Path:
    entries = "".join(f"  - page: {page}\n    title: {title}\n" for page, title in contents)
    issue = folder / f"{stem}.yaml"
    issue.write_text(
        "# yaml-language-server: $schema=../docs/issue.schema.json\n"
        f"{SERIES}volume: {volume}\nissued: \"{issued}\"\npages: {pages}\npdf: {pdf}\n"
        f"publisher: 試験用の発行者\nproducer: 試験用の制作者\n{extra}contents:\n{entries}",
        encoding="utf-8")
    return issue


def printed_pdf(target: Path) -> Path:
    """Two A4 pages from plain WeasyPrint (no caipdf): text, and a half-transparent box."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(string=f"""
        @font-face {{ font-family: Gothic; src: url({GOTHIC.as_uri()}); }}
        @page {{ size: A4; margin: 20mm }}
        body {{ font-family: Gothic; font-size: 12pt }}
        .veil {{ opacity: .5; background: #00a000; color: white; padding: 4mm }}
        section + section {{ break-before: page }}""", font_config=fonts)
    html = "".join(f"<section>{page}</section>" for page in PRINTED_PAGES)
    weasyprint.HTML(string=html).write_pdf(target, stylesheets=[css], font_config=fonts)
    return target


def scanned_pdf(target: Path, dpi: int = 200, pages: int = 1) -> Path:
    """A4 pages that are images only, the text drawn into them, as a scanner gives them."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(GOTHIC), round(dpi * 0.4))  # about 29 pt
    page = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(SCANNED_LINES):
        draw.text((dpi, dpi * (1 + number)), line, font=font, fill=0)
    page.save(target, resolution=dpi, save_all=True,
              append_images=[page.copy() for _ in range(pages - 1)])
    return target


def cmyk_pdf(target: Path, unembedded_text: bool = False) -> Path:
    """One page drawn in DeviceCMYK by a content stream; with `unembedded_text`,
    a line of text in Helvetica, whose font the PDF does not embed."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    page = pdf.pages[0]
    drawing = b"0 1 1 0 k 72 500 300 200 re f 1 0 0 0 k 72 300 300 120 re f "
    if unembedded_text:
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
        drawing += b"BT /F1 24 Tf 0 0 0 1 k 72 760 Td (Printed in CMYK) Tj ET"
    page.obj.Contents = pdf.make_stream(drawing)
    pdf.save(target)
    return target


def with_tounicode_ranges(pdf_path: Path) -> Path:
    """Rewrite every ToUnicode map of a PDF with `bfrange` entries wherever
    consecutive codes map to consecutive characters, as Chromium, Skia and
    many print tools write them (WeasyPrint writes one `bfchar` per code)."""
    import pikepdf

    from caipdf.archive.tounicode import parse

    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        for font in {font.objgen: font for page in pdf.pages
                     for _, font in page.Resources.Font.items()}.values():
            if "/ToUnicode" not in font:
                continue
            runs: list[list] = []
            for code, text in sorted(parse(font.ToUnicode.read_bytes()).items()):
                if len(text) != 1:
                    continue
                if runs and code == runs[-1][1] + 1 and ord(text) == ord(runs[-1][2]) + code - runs[-1][0]:
                    runs[-1][1] = code
                else:
                    runs.append([code, code, text])
            body = "".join(f"<{first:04X}> <{last:04X}> <{ord(text):04X}>\n"
                           for first, last, text in runs)
            font.ToUnicode = pdf.make_stream((
                "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                f"{len(runs)} beginbfrange\n{body}endbfrange\n"
                "endcmap CMapName currentdict /CMap defineresource pop end end\n").encode())
        pdf.save(pdf_path)
    return pdf_path
