"""A figure's file, read once and checked before anything is laid out.

Every problem a file can have is found here, so that `check` and `build`
report them all at once with the figure's line: a file that is not an
image, one whose name says another format, a truncated one, a mode caipdf
cannot print, and a pixel count that would exhaust memory when decoded.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from caipdf.errors import CaipdfError, Problem
from caipdf.images import cache
from caipdf.structure.model import Figure

# Past this a file is a decompression bomb rather than a photo: a 150-megapixel
# image is 1.4 m wide at 300 ppi, and decoding it takes over 600 MB.
MAX_PIXELS = 150_000_000

# The formats caipdf prepares, by the endings their files may have.
FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "TIFF": (".tif", ".tiff"),
           "WEBP": (".webp",), "GIF": (".gif",)}
# The modes caipdf can turn into print and screen colours; 16-bit greys are
# reduced to 8 bits, alpha is flattened onto the paper.
MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK", "I", "I;16", "I;16B",
         "I;16L", "I;16N"}
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class SourceImage:
    """What the stage knows of a figure's file once it has been checked."""

    path: Path
    digest: str = ""  # sha256 of the bytes: the cache key of everything made from them
    format: str = ""  # Pillow's: JPEG, PNG, …
    mode: str = ""  # Pillow's: RGB, CMYK, L, I;16, …
    width: int = 0  # as shown: after the EXIF orientation is applied
    height: int = 0
    icc_profile: bytes | None = None
    svg: bool = False

    def read(self) -> bytes:
        """The file's bytes again, for preparing it: the same bytes that were checked."""
        data = self.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise CaipdfError(Problem(None, f"the photo {self.path} changed while the issue was "
                                      "being built", "build again once it is saved"))
        return data


def read_source(figure: Figure) -> SourceImage | Problem:
    """The checked file of `figure` (which must be available), or the problem with it."""
    try:
        data = figure.file.read_bytes()
    except OSError as error:
        return _problem(figure, f"cannot read the image '{figure.path}': {error.strerror}",
                        "check that the file exists and can be read")
    digest = hashlib.sha256(data).hexdigest()
    if figure.file.suffix.lower() == ".svg":
        return SourceImage(figure.file, digest, format="SVG", svg=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombWarning:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return _too_large(figure, *Image.open(io.BytesIO(data)).size)
    except Image.DecompressionBombError:
        return _too_large(figure)
    except UnidentifiedImageError:
        return _problem(figure, f"'{figure.path}' is not an image caipdf can read "
                        f"({_what_it_starts_with(data)})",
                        "export the photo again as JPEG, PNG or TIFF")
    except OSError as error:
        return _problem(figure, f"cannot read the image '{figure.path}': {error}",
                        "export the photo again as JPEG, PNG or TIFF")
    with image:
        if image.width * image.height > MAX_PIXELS:
            return _too_large(figure, image.width, image.height)
        if image.format not in FORMATS:
            return _problem(figure, f"'{figure.path}' is a {image.format} image, which caipdf "
                            "does not print", "export it as JPEG, PNG or TIFF")
        suffix = figure.file.suffix.lower()
        if suffix not in FORMATS[image.format]:
            return _problem(figure, f"'{figure.path}' is a {image.format} file, but its name "
                            f"ends in '{figure.file.suffix}'",
                            f"rename it to end in '{FORMATS[image.format][0]}' and change the "
                            "issue file to match")
        if image.mode not in MODES:
            return _problem(figure, f"'{figure.path}' has the colour mode {image.mode}, which "
                            "caipdf cannot print", "save it as RGB, CMYK or greyscale (8 or 16 bits)")
        width, height = image.size
        if image.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
            width, height = height, width
        mode, icc_profile = image.mode, image.info.get("icc_profile") or None
        if not cache.is_checked(digest):
            try:
                _decode_small(image)
            except (OSError, SyntaxError, ValueError) as error:
                reason = ("the file ends before the picture does" if "truncated" in str(error)
                          else str(error))
                return _problem(figure, f"the image '{figure.path}' is damaged or incomplete "
                                f"({reason})", "copy or export the photo again from its original")
            cache.mark_checked(digest)
        if icc_profile and not _readable_profile(icc_profile):
            icc_profile = None
        return SourceImage(figure.file, digest, image.format, mode, width, height, icc_profile)


def _decode_small(image: Image.Image) -> None:
    """Decode every byte of the file, at an eighth of the size where the format
    allows (JPEG), so a truncated or corrupt file is found cheaply."""
    if image.format == "JPEG":
        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()


@contextmanager
def strict_decoding():
    """Truncated files raise while decoding. WeasyPrint lets Pillow load them
    (a web page's broken image should not stop it), which would print a
    photo with a grey band."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _readable_profile(icc_profile: bytes) -> bool:
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    except (OSError, ImageCms.PyCMSError):
        return False
    return True


def _what_it_starts_with(data: bytes) -> str:
    if not data:
        return "the file is empty"
    head = data[:256]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # perhaps a character cut at the end
        text = head[:error.start].decode("utf-8") if error.start >= 16 else ""
    if text and all(character.isprintable() or character in "\t\r\n" for character in text):
        return f"it is text, starting {text.strip().splitlines()[0][:24]!r}"
    return "its content is not JPEG, PNG, TIFF, WebP or GIF"


def _too_large(figure: Figure, width: int = 0, height: int = 0) -> Problem:
    size = f"{width}×{height} px, " if width else ""
    return _problem(figure, f"the image '{figure.path}' is too large to decode safely "
                    f"({size}over {MAX_PIXELS // 1_000_000} megapixels)",
                    "scale it down: 6000×4000 px is plenty for a full A4 page at 300 ppi")


def _problem(figure: Figure, message: str, hint: str) -> Problem:
    return Problem(figure.location, message, hint)


def similar_file(figure: Figure) -> str | None:
    """The file a missing figure's path most likely means, as the issue would
    write it: the same path but for the case of its letters, or the same name
    with another image ending (workshop.JPG, workshop.jpeg for workshop.jpg)."""
    parts = Path(figure.path).parts
    folder = figure.file.parents[len(parts) - 1]  # the folder
    endings = {ending for formats in FORMATS.values() for ending in formats} | {".svg"}
    found = []
    for index, part in enumerate(parts):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return None
        same = [entry for entry in entries if entry.name.casefold() == part.casefold()]
        if not same and index == len(parts) - 1:
            stem = Path(part).stem.casefold()
            same = [entry for entry in entries if entry.stem.casefold() == stem
                    and entry.suffix.lower() in endings and entry.is_file()]
        if not same:
            return None
        folder = same[0]
        found.append(folder.name)
    return "/".join(found)
