"""The SNOMED CT check digit (Verhoeff), independent of any value set."""

from __future__ import annotations

import pytest

from cards import valuesets
from cards.snomed import check_digit_ok


@pytest.mark.parametrize("sctid", ["294505008", "91936005", "716186003", "404684003", "138875005"])
def test_real_concept_ids_pass(sctid: str) -> None:
    assert check_digit_ok(sctid)


def test_every_id_of_the_allergy_value_set_passes() -> None:
    assert all(check_digit_ok(code) for code in valuesets.allergies().concepts)


@pytest.mark.parametrize("sctid", ["294505008", "91936005", "716186003"])
def test_every_other_last_digit_and_every_swap_of_neighbours_fails(sctid: str) -> None:
    wrong_digits = [sctid[:-1] + d for d in "0123456789" if d != sctid[-1]]
    swaps = [
        sctid[:i] + sctid[i + 1] + sctid[i] + sctid[i + 2 :]
        for i in range(len(sctid) - 1)
        if sctid[i] != sctid[i + 1]
    ]
    assert not any(check_digit_ok(s) for s in wrong_digits + swaps)


@pytest.mark.parametrize("text", ["", "29450500a", "２９４５０５００８", "-294505008"])
def test_anything_but_ascii_digits_fails(text: str) -> None:
    assert not check_digit_ok(text)
