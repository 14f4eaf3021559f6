"""QR text, digit encoding and the QR symbol's segments and version."""

from __future__ import annotations

import io

import pytest
import segno
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from cards import qr
from cards.errors import Malformed
from cards.render.qr_png import qr_image, qr_png


@given(st.binary(min_size=1, max_size=400).filter(lambda b: b[0] != 0))
def test_digits_round_trip(payload: bytes) -> None:
    assert qr.digits_to_payload(qr.payload_to_digits(payload)) == payload


def test_digits_cost_about_eight_bits_a_byte() -> None:
    payload = b"\x01" + bytes(range(200))
    bits = len(qr.payload_to_digits(payload)) * 10 / 3
    assert bits / len(payload) < 8.05


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("HTTPS://EHC.EXAMPLE.ORG/V#", "truncated"),
        ("HTTPS://EHC.EXAMPLE.ORG/V#0123", "leading_zero"),
        ("HTTPS://EHC.EXAMPLE.ORG/V#12 34", "non_digit"),
        ("HTTPS://EHC.EXAMPLE.ORG/V#12a4", "non_digit"),
        ("HTTPS://EHC.EXAMPLE.ORG/V#١٢٣", "non_digit"),
        ("\ufeffHTTPS://EHC.EXAMPLE.ORG/V#1234", "bad_prefix"),
        ("https://ehc.example.org/v#1234", "bad_prefix"),
        ("HTTPS://EHC.EXAMPLE.ORG/X#1234", "bad_prefix"),
        ("HTTPS://EHC EXAMPLE/V#1234", "bad_prefix"),
        ("HC1:1234", "bad_prefix"),
        ("HTTPS://EHC.EXAMPLE.ORG/V#" + "9" * 3000, "too_large"),
    ],
)
def test_bad_qr_text_is_rejected_with_its_code(text: str, code: str) -> None:
    with pytest.raises(Malformed) as caught:
        qr.parse_qr_text(text)
    assert caught.value.code == code


def test_host_must_fit_alphanumeric_mode() -> None:
    assert qr.prefix("ehc.example.org") == "HTTPS://EHC.EXAMPLE.ORG/V"
    with pytest.raises(ValueError, match="plain DNS name"):
        qr.prefix("ehc_example.org")


@pytest.mark.parametrize("payload_bytes", [60, 120, 171, 190, 230])
def test_symbol_is_the_smallest_version_for_three_segments(payload_bytes: int) -> None:
    text = qr.qr_text("EHC.EXAMPLE.ORG", b"\x01" + bytes([0x5A]) * (payload_bytes - 1))
    symbol = qr.make_symbol(text)
    assert symbol.ecc == "M"
    assert symbol.version == qr.minimum_version_m(text)
    assert symbol.size == 17 + 4 * symbol.version
    single_byte_segment = segno.make_qr(text, mode="byte", error="m", boost_error=False)
    assert single_byte_segment.version > symbol.version


def test_segments_are_alphanumeric_byte_numeric() -> None:
    text = qr.qr_text("EHC.EXAMPLE.ORG", b"\x01\x02\x03")
    assert [mode for _, mode in qr.segments(text)] == [qr.ALPHANUMERIC, qr.BYTE, qr.NUMERIC]


def test_png_has_whole_pixel_modules_and_quiet_zone_and_decodes() -> None:
    text = qr.qr_text("EHC.EXAMPLE.ORG", b"\x01" + bytes(range(150)))
    symbol = qr.make_symbol(text)
    image = qr_image(symbol, module_pixels=3)
    assert image.width == (symbol.size + 8) * 3
    quiet = image.crop((0, 0, image.width, 4 * 3))
    assert quiet.convert("L").getextrema() == (255, 255)
    decoded = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(qr_png(symbol))), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert [d.text for d in decoded] == [text]


def test_quiet_zone_below_four_modules_is_refused() -> None:
    symbol = qr.make_symbol(qr.qr_text("EHC.EXAMPLE.ORG", b"\x01\x02"))
    with pytest.raises(ValueError, match="quiet zone"):
        qr_image(symbol, quiet_zone=2)
