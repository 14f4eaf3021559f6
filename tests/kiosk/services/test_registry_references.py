"""Card references as staff type them: printed codes read the Crockford way, or hex card ids."""

from __future__ import annotations

import pytest

from kiosk.domain.cards.registry import RegistryError, normalise_reference


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5VN77-MBDCT", "5VN77-MBDCT"),
        ("5vn77mbdct", "5VN77-MBDCT"),
        (" 5VN77 MBDCT ", "5VN77-MBDCT"),
        ("O1I0L-ABCDE", "01101-ABCDE"),
        ("0123456789abcdef", "0123456789ABCDEF"),
    ],
)
def test_references_are_normalised(typed: str, expected: str) -> None:
    assert normalise_reference(typed) == expected


@pytest.mark.parametrize("typed", ["", "5VN77-MBDC", "5VN77-MBDCTX", "UUUUU-UUUUU", "5VN77_MBDCT"])
def test_what_is_neither_a_code_nor_an_id_is_refused(typed: str) -> None:
    with pytest.raises(RegistryError, match="is neither a card code") as caught:
        normalise_reference(typed)
    assert caught.value.code == "bad_card_reference"
