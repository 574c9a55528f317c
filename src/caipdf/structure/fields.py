"""The issue format's keys, in one table that the loader and the schema share.

For each kind of mapping: its keys, each with its type and whether it is
required. docs/format.md describes them for people; `caipdf schema` turns
this table into a JSON Schema for editors.
"""

TEXT = "text"  # a line of text with inline markup
PLAIN = "plain"  # a line of text, no markup
INT = "int"
ID = "id"
MONTH = "month"  # YYYY-MM
ASPECT = "aspect"  # width:height
SPAN = "span"  # column | page
BOOL = "bool"  # true | false
FOCUS = "focus"  # "X% Y%": the point of a photo its frame keeps
FIT = "fit"  # cover | contain
SIZE = "size"  # "80%–120%": how much a frame's height may give for copy-fitting
LANG = "lang"  # ja | en: the language of a text, where it is not the Japanese
NUMBER = "number"  # a whole or decimal number
SCALE = "scale"  # a number, or the word population

# The keys of every photo slot (a figure block, the cover image) besides its file.
PHOTO = {"caption": TEXT, "aspect": ASPECT, "alt": PLAIN, "decorative": BOOL, "credit": PLAIN,
         "focus": FOCUS, "fit": FIT, "accept_low_resolution": BOOL}


# kind → {key: (type, required)}; a type naming another kind is a mapping of that kind,
# and ("list", T) is a list of T.
FIELDS = {
    "issue": {
        "series": ("series", True), "volume": (INT, True), "issued": (MONTH, True),
        "pages": (INT, True), "cover_line": (TEXT, True), "cover_image": ("cover_image", False),
        "colophon": ("colophon", True), "articles": (("list", "article"), True),
    },
    "series": {"initiative": (PLAIN, True), "title": (PLAIN, True), "title_ja": (PLAIN, True)},
    "cover_image": {"image": (PLAIN, True), **{key: (spec, False) for key, spec in PHOTO.items()}},
    "colophon": {"publisher": (PLAIN, True), "producer": (PLAIN, True),
                 "contacts": (("list", "contact"), True)},
    "contact": {"name": (PLAIN, True), "address": (PLAIN, True), "role": (PLAIN, False),
                "department": (PLAIN, False), "tel": (PLAIN, False), "fax": (PLAIN, False),
                "email": (PLAIN, False), "url": (PLAIN, False)},
    "article": {"id": (ID, True), "page": (INT, True), "toc": (TEXT, True),
                "blocks": (("list", "block"), True), "title": (TEXT, False),
                "subtitle": (TEXT, False), "footnotes": (("map", TEXT), False),
                "author": (TEXT, False), "lang": (LANG, False)},
    "table": {"rows": (("list", ("list", TEXT)), True), "header": (("list", TEXT), False),
              "caption": (TEXT, False), "widths": (("list", NUMBER), False),
              "span": (SPAN, False)},
    "keyfigures": {"title": (TEXT, True), "headline": (TEXT, True), "unit": (PLAIN, True),
                   "items": (("list", "keyfigure"), True), "note": (TEXT, False),
                   "scale": (SCALE, False)},
    "keyfigure": {"when": (PLAIN, True), "value": (INT, True), "detail": (PLAIN, True),
                  "population": (INT, False)},
    "infobox": {"title": (TEXT, True), "subtitle": (TEXT, False), "url": (PLAIN, False),
                "list": (("list", TEXT), False), "list_title": (TEXT, False)},
    # A volume published before caipdf, kept as its printed PDF (docs/format.md).
    "past_volume": {
        "series": ("series", True), "volume": (INT, True), "issued": (MONTH, True),
        "pages": (INT, True), "pdf": (PLAIN, True), "publisher": (PLAIN, True),
        "producer": (PLAIN, False), "cover_line": (PLAIN, False),
        "contents": (("list", "contents_entry"), True),
    },
    "contents_entry": {"page": (INT, True), "title": (PLAIN, True)},
}

# block kind → (the type of its own value, {extra key: type})
BLOCKS = {
    "lead": (TEXT, {"lang": LANG}), "p": (TEXT, {"lang": LANG}),
    "quote": (TEXT, {"span": SPAN, "attribution": TEXT}),
    "h2": (TEXT, {"id": ID, "label": PLAIN, "author": TEXT, "lang": LANG}),
    "h3": (TEXT, {"number": PLAIN}),
    "figure": (PLAIN, {**PHOTO, "span": SPAN, "size": SIZE}),  # size: copy-fitting, in articles
    "list": (("list", TEXT), {"title": TEXT}),
    "table": ("table", {}), "keyfigures": ("keyfigures", {}), "infobox": ("infobox", {}),
}


def keys(kind: str) -> tuple[set[str], set[str]]:
    """(required keys, optional keys) of a kind of mapping."""
    fields = FIELDS[kind]
    return ({key for key, (_, required) in fields.items() if required},
            {key for key, (_, required) in fields.items() if not required})
