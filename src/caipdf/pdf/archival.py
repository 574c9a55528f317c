"""What makes an archive PDF self-describing: its sources inside, and its XMP.

The archive profile (PDF/A-3b) carries the issue file and its images as
associated files (AFRelationship /Source) and a `caipdf-build.json` with
the digests of the layouts and fonts and the tools' versions
(/Supplement), so that the volume can be rebuilt from the PDF alone. Its
XMP names the issue in Japanese and English, its volume, date, publisher
and language, described by a PDF/A extension schema for the caipdf
namespace.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pydyf
import weasyprint

from caipdf import provenance
from caipdf.structure.model import Issue, PastVolume

BUILD_INFO = "caipdf-build.json"
NAMESPACE = "https://caipdf.example/ns/issue/1.0/"
PROPERTIES = [  # name, XMP value type, description
    ("volume", "Integer", "volume number of the newsletter"),
    ("issueDate", "Date", "month of publication"),
    ("sourceSHA256", "Text", "sha256 of the issue file"),
    ("layoutsSHA256", "Text", "sha256 over the layouts, fonts and colour profiles used"),
    ("caipdfVersion", "Text", "version of caipdf that built the file"),
    ("weasyprintVersion", "Text", "version of WeasyPrint that laid it out"),
    # past volumes, kept as printed and converted (caipdf.archive.past)
    ("originalSHA256", "Text", "sha256 of the printed PDF this copy was converted from"),
    ("convertedWith", "Text", "the engine that converted the printed PDF, with its versions"),
    ("textSource", "Text", "where the text layer comes from: the printed PDF, or OCR"),
]


def source_files(issue: Issue) -> list[tuple[str, bytes]]:
    """(name inside the PDF, contents) for the issue file, as it was read, and
    each image it uses."""
    files = [(issue.source.name, issue.source_bytes)]
    for figure in issue.figures:
        if figure.available:
            files.append((Path(figure.path).as_posix(), figure.file.read_bytes()))
    return files


def source_digests(issue: Issue) -> list[tuple[str, bytes]]:
    """(name inside the PDF, sha256) of each of source_files(issue), without
    reading again the photos the image stage has read and hashed."""
    digests = [(issue.source.name, hashlib.sha256(issue.source_bytes).digest())]
    for figure in issue.figures:
        if figure in issue.photos:
            digest = bytes.fromhex(issue.photos[figure].digest)
        elif figure.available:
            digest = hashlib.sha256(figure.file.read_bytes()).digest()
        else:
            continue
        digests.append((Path(figure.path).as_posix(), digest))
    return digests


def build_info(issue: Issue) -> dict:
    return {
        "source": issue.source.name,
        "source_sha256": hashlib.sha256(issue.source_bytes).hexdigest(),
        "layouts_sha256": provenance.layouts_digest(),
        "tools": provenance.tool_versions(),
    }


def attachments(issue: Issue, info: dict) -> list[weasyprint.Attachment]:
    when = issue_datetime(issue)
    found = [weasyprint.Attachment(string=contents, name=name, relationship="Source",
                                   description="source of this volume", created=when, modified=when)
             for name, contents in source_files(issue)]
    found.append(weasyprint.Attachment(
        string=json.dumps(info, indent=2, sort_keys=True).encode(), name=BUILD_INFO,
        relationship="Supplement", description="what this volume was built with",
        created=when, modified=when))
    return found


def issue_datetime(issue: Issue | PastVolume) -> datetime:
    """Midnight on the first of the issue's month in Japan, as UTC (WeasyPrint
    writes attachment dates with a Z), the same instant as the PDF's dates."""
    japan = timezone(timedelta(hours=9))
    return datetime(issue.year, issue.month, 1, tzinfo=japan).astimezone(timezone.utc)


def deduplicate_associated_files(pdf: pydyf.PDF) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF; once is right."""
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"] = pydyf.Array(unique)


def enrich_xmp(pdf: pydyf.PDF, issue: Issue, info: dict) -> None:
    """Add titles in both languages, language, publisher, date and the caipdf fields."""
    titles, description = xmp_additions(
        series=issue.series, volume=issue.volume, date=issue.issued,
        publishers=[issue.colophon.publisher, issue.colophon.producer],
        creator_tool=f"caipdf {info['tools']['caipdf']} (WeasyPrint {info['tools']['weasyprint']})",
        fields={"sourceSHA256": info["source_sha256"], "layoutsSHA256": info["layouts_sha256"],
                "caipdfVersion": info["tools"]["caipdf"],
                "weasyprintVersion": info["tools"]["weasyprint"]})
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            xmp = b"".join(chunk if isinstance(chunk, bytes) else str(chunk).encode()
                           for chunk in obj.stream)
            # The title WeasyPrint wrote (x-default, from <title>) gains its two languages.
            xmp = re.sub(rb"(<dc:title><rdf:Alt>.*?</rdf:li>)", lambda m: m[1] + titles, xmp, count=1)
            xmp = xmp.replace(b"</rdf:RDF>", description + b"</rdf:RDF>", 1)
            obj.stream = [xmp]


def past_volume_xmp(volume: PastVolume, info: dict, when: datetime) -> bytes:
    """The whole XMP packet of a past volume's archival copy: its PDF/A-3b
    identification and dates (the issue's month, not the conversion's day)
    and the same titles, publishers and caipdf fields as caipdf's own volumes."""
    titles, description = xmp_additions(
        series=volume.series, volume=volume.volume, date=volume.issued,
        publishers=[name for name in (volume.publisher, volume.producer) if name],
        creator_tool=f"caipdf {info['tools']['caipdf']} ({info['converted_with']})",
        fields={"sourceSHA256": info["source_sha256"], "originalSHA256": info["original_sha256"],
                "caipdfVersion": info["tools"]["caipdf"],
                "convertedWith": info["converted_with"], "textSource": info["text_source"]})
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    title_en = f"{volume.series.title} vol.{volume.volume}"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Producer>{escape(info['converted_with'])}</pdf:Producer></rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate><xmp:ModifyDate>{stamp}</xmp:ModifyDate>"
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate></rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:format>application/pdf</dc:format><dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{escape(title_en)}</rdf:li>').encode() + titles + (
        "</rdf:Alt></dc:title></rdf:Description>").encode() + description + (
        '</rdf:RDF></x:xmpmeta><?xpacket end="r"?>').encode()


def xmp_additions(series, volume: int, date: str, publishers: list[str], creator_tool: str,
                  fields: dict[str, str]) -> tuple[bytes, bytes]:
    """(the ja and en dc:title entries, the rdf:Description of language,
    publishers, date, identifier, creator tool and caipdf fields) that every
    archival volume carries, caipdf's own and the past ones alike."""
    title_ja = f"{series.title_ja} vol.{volume}"
    title_en = f"{series.title} vol.{volume}"
    values = {"volume": str(volume), "issueDate": date, **fields}
    own_fields = "".join(f"<caipdf:{name}>{escape(values[name])}</caipdf:{name}>"
                         for name, *_ in PROPERTIES if name in values)
    properties = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(text)}</pdfaProperty:description></rdf:li>"
        for name, kind, text in PROPERTIES)
    publisher_items = "".join(f"<rdf:li>{escape(name)}</rdf:li>" for name in publishers)
    description = (
        '<rdf:Description rdf:about="" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
        'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
        'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" '
        f'xmlns:caipdf="{NAMESPACE}">'
        f"<dc:language><rdf:Bag><rdf:li>ja</rdf:li></rdf:Bag></dc:language>"
        f"<dc:publisher><rdf:Bag>{publisher_items}</rdf:Bag></dc:publisher>"
        f"<dc:date><rdf:Seq><rdf:li>{date}</rdf:li></rdf:Seq></dc:date>"
        f"<dc:identifier>{escape(title_en)}</dc:identifier>"
        f"<xmp:CreatorTool>{escape(creator_tool)}</xmp:CreatorTool>"
        f"{own_fields}"
        "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
        "<pdfaSchema:schema>caipdf issue metadata</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>caipdf</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas>"
        "</rdf:Description>").encode()
    titles = (f'<rdf:li xml:lang="ja">{escape(title_ja)}</rdf:li>'
              f'<rdf:li xml:lang="en">{escape(title_en)}</rdf:li>').encode()
    return titles, description
