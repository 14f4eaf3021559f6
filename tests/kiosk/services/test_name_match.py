"""Name sounds and the ranking of candidates: usual spellings meet, the closest comes first."""

from __future__ import annotations

import pytest

from kiosk.domain.cards.name_match import Match, match, name_tokens, word_sounds

TARGET = "محمد عبد الرحمن الخطيب"


@pytest.mark.parametrize(
    "spellings",
    [
        ("MOHAMMED", "MOHAMED", "MUHAMMAD", "MOHAMMAD"),
        ("ABDELRAHMAN", "ABDULRAHMAN", "ABDURRAHMAN", "ABDALRAHMAN"),
        ("ALKHATIB", "ELKHATIB", "KHATIB", "KATIB"),
        ("HUSSEIN", "HOSSEIN", "HUSAYN", "HUSSAIN"),
        ("YOUSSEF", "YUSUF", "YOUSEF"),
        ("FATIMA", "FATEMEH", "FATIMAH"),
        ("WAHID", "VAHID"),
        ("JAMILA", "DJAMILA"),
        ("RASHID", "RACHID"),
    ],
)
def test_usual_spellings_of_one_name_share_a_sound(spellings: tuple[str, ...]) -> None:
    shared = set.intersection(*(set(word_sounds(s)) for s in spellings))
    assert shared, spellings


@pytest.mark.parametrize(("one", "other"), [("OMAR", "AMINA"), ("ALI", "LINA"), ("KARIM", "KAMAL")])
def test_different_names_do_not_meet(one: str, other: str) -> None:
    assert not word_sounds(one) & word_sounds(other)


def test_names_apart_only_by_their_vowels_meet_and_their_letters_rank_them() -> None:
    assert word_sounds("HASSAN") & word_sounds("HUSSEIN")
    hassan = match("Hassan", "حسن علي", "", birth_exact=False)
    hussein = match("Hassan", "حسين علي", "", birth_exact=False)
    assert hassan.key() > hussein.key()


def test_a_name_is_found_by_its_native_words_and_every_latin_form() -> None:
    tokens = name_tokens(TARGET)
    assert {"n:محمد", "n:الخطيب", "s:MHMD", "s:ABDRHMN", "s:HTB", "s:MXHMD"} <= tokens
    assert "s:MHMD" in name_tokens("", "MOHAMAD")  # the documents' spelling too


def test_words_written_as_one_or_as_two_meet() -> None:
    two = match("Abdul Rahman", TARGET, "", birth_exact=False)
    one = match("Abdulrahman", TARGET, "", birth_exact=False)
    assert two.words_found == 2 and one.words_found == 1


def test_exact_letters_rank_before_a_sound_and_a_close_sound_before_a_far_one() -> None:
    exact = match("Mohammed", TARGET, "", birth_exact=False)
    close = match("Mohamed", TARGET, "", birth_exact=False)
    far = match("Mohamed", "محمود الخطيب", "", birth_exact=False)
    assert exact.key() > close.key() > far.key()


def test_more_words_found_rank_first_then_the_birth_date_then_fewer_spare_words() -> None:
    assert Match(3, 0, 0.0, False, 2).key() > Match(2, 2, 2.0, True, 0).key()
    assert Match(2, 1, 1.0, True, 2).key() > Match(2, 1, 1.0, False, 0).key()
    assert Match(2, 1, 1.0, True, 0).key() > Match(2, 1, 1.0, True, 1).key()
    whole = match("Mohammed Khatib", "محمد الخطيب", "", birth_exact=False)
    longer = match("Mohammed Khatib", TARGET, "", birth_exact=False)
    assert whole.key() > longer.key()


def test_word_order_and_case_do_not_matter() -> None:
    assert match("KHATIB mohammed", TARGET, "", birth_exact=False) == match(
        "Mohammed Khatib", TARGET, "", birth_exact=False
    )
