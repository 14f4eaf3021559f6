"""The generator's diagnostic-notation printer, on RFC 8949 Appendix A examples and on faults."""

from __future__ import annotations

import pytest

from tests.vectors.diagnostic import diagnose


@pytest.mark.parametrize(
    ("encoded", "notation"),
    [
        ("00", "0"),
        ("1818", "24"),
        ("1bffffffffffffffff", "18446744073709551615"),
        ("3bffffffffffffffff", "-18446744073709551616"),
        ("3903e7", "-1000"),
        ("f93e00", "1.5_1"),
        ("fa47c35000", "100000.0_2"),
        ("fb7e37e43c8800759c", "1.0e+300_3"),
        ("f90001", "5.960464477539063e-8_1"),
        ("f9fc00", "-Infinity_1"),
        ("f97e00", "NaN_1"),
        ("f4", "false"),
        ("f6", "null"),
        ("f7", "undefined"),
        ("f0", "simple(16)"),
        ("f8ff", "simple(255)"),
        ("c11a514b67b0", "1(1363896240)"),
        ("c249010000000000000000", "2(h'010000000000000000')"),
        ("4401020304", "h'01020304'"),
        ("6449455446", '"IETF"'),
        ("62225c", '"\\"\\\\"'),
        ("8301820203820405", "[1, [2, 3], [4, 5]]"),
        ("a201020304", "{1: 2, 3: 4}"),
        ("5f42010243030405ff", "(_ h'0102', h'030405')"),
        ("7f657374726561646d696e67ff", '(_ "strea", "ming")'),
        ("9f018202039f0405ffff", "[_ 1, [2, 3], [_ 4, 5]]"),
        ("bf6346756ef563416d7421ff", '{_ "Fun": true, "Amt": -2}'),
    ],
)
def test_rfc_8949_examples_print_as_the_rfc_writes_them(encoded: str, notation: str) -> None:
    assert diagnose(bytes.fromhex(encoded)) == notation


@pytest.mark.parametrize(
    ("encoded", "notation"),
    [
        ("1a00000001", "1_2"),  # 1 in a 4-byte argument
        ("5801ff", "h'ff'_0"),
        ("b80101f6", "{_0 1: null}"),
        ("a201010101", "{1: 1, 1: 1}"),  # duplicate keys are kept
        ("0000", "0, 0"),  # trailing bytes print as a CBOR sequence
        ("63e280ae", '"\\u202e"'),  # a bidi override made visible
    ],
)
def test_encoding_faults_stay_visible(encoded: str, notation: str) -> None:
    assert diagnose(bytes.fromhex(encoded)) == notation


@pytest.mark.parametrize("encoded", ["", "a1", "1c", "ff", "6161ff", "62c328", "f818", "5f01ff"])
def test_bytes_that_are_not_cbor_have_no_notation(encoded: str) -> None:
    assert diagnose(bytes.fromhex(encoded)) is None
