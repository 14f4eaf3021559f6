"""Check and clean a document before it is encrypted into a record.

Only PDF, JPEG and PNG are accepted, recognised by their bytes (never by the
name or the type the sender claims). Images are decoded under a pixel limit
(decompression bombs) and re-encoded from their pixels, which drops EXIF (GPS
positions, camera serials), comments and anything appended to the file.
Files that are two formats at once (polyglots) are refused; so are PDFs with
active content (JavaScript, launch actions, embedded files).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from cards.record import Attachment, MediaType
from kiosk.config import Settings
from kiosk.domain.records.errors import UploadRejected, UploadTooLarge, UploadWrongType

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
# A PDF reader accepts its header anywhere in the first kilobyte: the polyglot trick.
PDF_HEADER_WINDOW = 1024
PDF_ACTIVE_CONTENT = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|OpenAction|AA)\b"
)
# Streams of a real PDF are compressed: plain HTML markup in one is a browser-side polyglot.
PDF_HTML = re.compile(rb"<(html|script|!doctype html)\b", re.IGNORECASE)
JPEG_QUALITY = 90


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_pixels: int

    @classmethod
    def of(cls, settings: Settings) -> UploadLimits:
        """The limits this instance is configured with."""
        return cls(settings.record_upload_max_bytes, settings.record_image_max_pixels)


def sniff(data: bytes) -> MediaType:
    """The media type the bytes really are, or UploadWrongType."""
    if data.startswith(PDF_SIGNATURE):
        return MediaType.PDF
    if data.startswith(PNG_SIGNATURE):
        return MediaType.PNG
    if data.startswith(JPEG_SIGNATURE):
        return MediaType.JPEG
    raise UploadWrongType(
        "only PDF, JPEG and PNG documents are accepted: this file is none of them"
    )


def check_declared(data: bytes, declared: str, limits: UploadLimits) -> None:
    """Refuse an upload early: empty, too large, or not what its sender says it is."""
    _check_size(data, limits)
    media_type = sniff(data)
    if declared.split(";")[0].strip().lower() != media_type.value:
        raise UploadWrongType(
            f"the file says it is {declared!r} but its content is {media_type.value}"
        )


def _check_size(data: bytes, limits: UploadLimits) -> None:
    if not data:
        raise UploadRejected("the file is empty")
    if len(data) > limits.max_bytes:
        raise UploadTooLarge(f"the file is over the limit of {limits.max_bytes} bytes")


def clean_document(data: bytes, limits: UploadLimits) -> Attachment:
    """The document as it will be stored, or an UploadRejected saying what is wrong."""
    _check_size(data, limits)
    media_type = sniff(data)
    if media_type is MediaType.PDF:
        return Attachment(media_type, _checked_pdf(data))
    if PDF_SIGNATURE in data[:PDF_HEADER_WINDOW]:
        raise UploadRejected("this image is also a PDF (a polyglot file): refused")
    if media_type is MediaType.PNG:
        _refuse_png_trailer(data)
    else:
        _refuse_jpeg_trailer(data)
    return Attachment(media_type, _reencoded(data, media_type, limits.max_pixels))


def _checked_pdf(data: bytes) -> bytes:
    if not data.rstrip(b"\r\n\t \x00").endswith(b"%%EOF"):
        raise UploadRejected("the PDF is truncated or has data after its end (%%EOF)")
    if PDF_HTML.search(data):
        raise UploadRejected("the PDF also holds an HTML page (a polyglot): refused")
    found = PDF_ACTIVE_CONTENT.search(data)
    if found:
        name = found.group(1).decode("ascii")
        raise UploadRejected(f"the PDF has active content (/{name}): refused, print and scan it")
    return data


def _refuse_png_trailer(data: bytes) -> None:
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        position += 12 + length
        if kind == b"IEND":
            if data[position:].strip(b"\x00"):
                raise UploadRejected("the PNG has data after its end (a polyglot): refused")
            return
    raise UploadRejected("the PNG is truncated (no IEND chunk)")


def _refuse_jpeg_trailer(data: bytes) -> None:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise UploadRejected("the JPEG has data after its end, or is truncated: refused")


def _reencoded(data: bytes, media_type: MediaType, max_pixels: int) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise UploadRejected(
                        f"the image is {width}x{height} pixels; the limit is {max_pixels} pixels"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(f"the image cannot be decoded: {exc}") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UploadRejected("the image expands to too many pixels (a decompression bomb)") from exc
    # Rebuilt from raw pixels: no EXIF, ICC, text chunk or palette trick survives.
    if media_type is MediaType.JPEG:
        mode = "L" if upright.mode in ("1", "L") else "RGB"
    else:
        mode = upright.mode if upright.mode in ("L", "LA", "RGB", "RGBA") else "RGBA"
    converted = upright.convert(mode)
    clean = Image.frombytes(mode, converted.size, converted.tobytes())
    output = io.BytesIO()
    if media_type is MediaType.JPEG:
        clean.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(output, "PNG", optimize=True)
    return output.getvalue()
