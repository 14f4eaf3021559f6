"""Documents: only clean PDF, JPEG and PNG, within limits; images lose their metadata."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from cards.record import MediaType
from kiosk.domain.records.errors import UploadRejected, UploadTooLarge, UploadWrongType
from kiosk.domain.records.uploads import UploadLimits, check_declared, clean_document
from tests.record_items import scan_png

LIMITS = UploadLimits(max_bytes=200_000, max_pixels=1_000_000)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0)}  # GPS position of where it was taken
    exif[0x0110] = "Camera serial XYZ-123"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"scanned at home")
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, body: bytes = zlib.compress(b"\x00" * 1000)) -> bytes:
    """A tiny PNG whose header claims a huge image: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body)
            + png_chunk(b"IEND", b""))  # fmt: skip


def test_a_png_scan_is_accepted_and_re_encoded() -> None:
    attachment = clean_document(scan_png(), LIMITS)
    assert attachment.media_type is MediaType.PNG
    with Image.open(io.BytesIO(attachment.data)) as image:
        assert image.size == (64, 48)


def test_a_jpeg_loses_its_exif_and_comments() -> None:
    original = jpeg_with_gps()
    assert b"Camera serial" in original and b"scanned at home" in original
    cleaned = clean_document(original, LIMITS)
    assert cleaned.media_type is MediaType.JPEG
    assert b"Camera serial" not in cleaned.data and b"scanned at home" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert not image.getexif()


def test_a_plain_pdf_is_accepted_unchanged() -> None:
    assert clean_document(PDF, LIMITS).data == PDF


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", UploadRejected, "the file is empty"),
        (b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF", UploadTooLarge, "over the limit of 200000"),
        (b"GIF89a" + bytes(30), UploadWrongType, "only PDF, JPEG and PNG"),
        (b"<html><script>alert(1)</script></html>", UploadWrongType, "only PDF, JPEG and PNG"),
        (scan_png() + b"PK\x03\x04zipped", UploadRejected, "PNG has data after its end"),
        (scan_png() + PDF, UploadRejected, "also a PDF"),
        (jpeg_with_gps() + b"PK\x03\x04zipped", UploadRejected, "JPEG has data after its end"),
        (
            b"\xff\xd8\xff\xfe\x00\x10%PDF-1.4 hidden" + jpeg_with_gps()[2:],
            UploadRejected,
            "also a PDF",
        ),
        (PDF + scan_png(), UploadRejected, "truncated or has data after its end"),
        (PDF.replace(b"%%EOF", b"%%EOF\n<html>x</html>\n%%EOF"), UploadRejected, "HTML page"),
        (
            PDF.replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            UploadRejected,
            r"active content \(/OpenAction\)",
        ),
        (
            PDF.replace(b"/Type /Catalog", b"/Names << /EmbeddedFiles 2 0 R >>"),
            UploadRejected,
            r"active content \(/EmbeddedFiles\)",
        ),
        (png_claiming(5000, 5000), UploadRejected, "5000x5000 pixels; the limit is 1000000"),
        (scan_png()[:40], UploadRejected, "PNG is truncated"),
        (scan_png()[:60] + png_chunk(b"IEND", b""), UploadRejected, "PNG is truncated"),
        (
            png_claiming(20, 20, b"garbage!"),
            UploadRejected,
            "cannot be decoded",
        ),
    ],
)
def test_bad_documents_are_refused_with_a_clear_reason(
    data: bytes, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        clean_document(data, LIMITS)


def test_pillow_bomb_guard_also_stops_images_under_our_pixel_cap_but_over_pillows() -> None:
    with pytest.raises(UploadRejected, match="pixels"):
        clean_document(png_claiming(60000, 60000), UploadLimits(200_000, 10**10))


def test_a_file_that_lies_about_its_type_is_refused() -> None:
    with pytest.raises(
        UploadWrongType, match="says it is 'image/png' but its content is application/pdf"
    ):
        check_declared(PDF, "image/png", LIMITS)
    check_declared(PDF, "application/pdf", LIMITS)
