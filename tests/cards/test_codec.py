"""The CBOR body: round trips, canonical form, and one precise error per fault."""

from __future__ import annotations

import cbor2
import pytest

from cards import codec
from cards.errors import Malformed, ProfileError
from cards.model import BirthDate, ClinicalField, EmergencyContact, EmergencyData, Provenance, Sex
from cards.packing import pack_name
from cards.translit import icao_latin
from tests.builders import make_card, with_emergency, with_holder

NAMES = [
    "Amina Diallo",
    "أمينة ديالو",
    "محمد رضا احمدی",
    "علی‌رضا مهرآبادی",
    "ዮናስ ገብረሚካኤል",
    "Олена Шевченко",
    "ნინო ბერიძე",
    "José Núñez-García",
    "N'Golo O'Neil",
    "\U00010400\U00010401\U00010402",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_script_round_trips(name: str) -> None:
    # A script no ICAO 9303 table covers needs the Latin spelling of the holder's documents.
    latin = "SPELLING FROM DOCUMENTS" if icao_latin(name) is None else None
    card = with_holder(make_card(), name=name, name_latin=latin)
    assert codec.decode_body(codec.encode_body(card)) == card


def test_field_states_round_trip() -> None:
    not_asked = with_emergency(
        make_card(),
        blood_group=None,
        allergies=None,
        medications=None,
        conditions=None,
        contact=None,
        languages=(),
    )
    none_known = with_emergency(make_card(), allergies=(), medications=(), conditions=())
    unknown_blood = with_emergency(make_card(), blood_group="unknown")
    for card in (not_asked, none_known, unknown_blood):
        assert codec.decode_body(codec.encode_body(card)) == card


def test_year_only_birth_and_no_provenance_round_trip() -> None:
    card = with_holder(make_card(provenance=Provenance()), birth_date=BirthDate(1987), sex=None)
    assert codec.decode_body(codec.encode_body(card)) == card


def test_non_latin_names_pack_to_one_byte_a_letter() -> None:
    card = with_holder(make_card(), name="ዮናስ ገብረሚካኤል")
    body = cbor2.loads(codec.encode_body(card))
    assert isinstance(body[codec.NAME], bytes)
    assert len(body[codec.NAME]) == 2 + len("ዮናስ ገብረሚካኤል")


def test_encoding_is_deterministic_with_sorted_integer_keys() -> None:
    body = codec.encode_body(make_card())
    decoded = cbor2.loads(body)
    assert list(decoded) == sorted(decoded)
    assert cbor2.dumps(decoded, canonical=True) == body


def _body(**changes: object) -> dict[int, object]:
    body: dict[int, object] = cbor2.loads(codec.encode_body(make_card()))
    for key, value in changes.items():
        number = int(key[1:])
        if value is None:
            del body[number]
        else:
            body[number] = value
    return body


def _encode(body: object) -> bytes:
    return bytes(cbor2.dumps(body, canonical=True))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (_encode(_body(k99=1)), "unknown_key"),
        (_encode(_body(k1=None)), "missing_key"),
        (_encode(_body(k1="not bytes")), "wrong_type"),
        (_encode(_body(k1=b"short")), "out_of_range"),
        (_encode(_body(k8=9)), "out_of_range"),
        (_encode(_body(k8=True)), "wrong_type"),
        (_encode(_body(k7=5)), "out_of_range"),
        (_encode(_body(k10=b"\xff\xff\xff\xff")), "out_of_range"),
        (_encode(_body(k10=b"\x00\x01\x02")), "out_of_range"),
        (_encode(_body(k11=b"\xff\xff")), "out_of_range"),
        (_encode(_body(k13=b"")), "non_canonical"),
        (_encode(_body(k13=b"\x00\x01")), "out_of_range"),
        (_encode(_body(k9=[294505008, 294505008])), "duplicate_code"),
        (_encode(_body(k9=[12])), "out_of_range"),
        (_encode(_body(k9=[1.5])), "wrong_type"),
        (_encode(_body(k3=20000)), "out_of_range"),
        (_encode(_body(k4="Amina\u202eDiallo")), "bad_name"),
        (_encode(_body(k4="Amina \u200cDiallo")), "bad_name"),
        (_encode(_body(k4="أمينة")), "non_canonical"),
        (_encode(_body(k5="lower case")), "bad_name"),
        (_encode(_body(k12=["Moussa", b"\x00\x07"])), "non_canonical"),
        (_encode(_body(k12=["Moussa"])), "wrong_type"),
        (_encode(_body(k15=[0, 3])), "out_of_range"),
        (_encode(_body(k15=[2, 0])), "out_of_range"),
        (_encode(_body(k9=[294505009])), "bad_check_digit"),
        (_encode(_body(k9=[294505008, 91936006])), "bad_check_digit"),
        (_encode(_body(k6=46326)), "born_after_issue"),
        (_encode(_body(k6=-128)), "born_after_issue"),
        (_encode(_body(k4=pack_name("ዮናስ ገብረሚካኤል"))), "latin_name_missing"),
        (_encode([1, 2]), "wrong_type"),
        (codec.encode_body(make_card()) + b"\x00", "trailing_bytes"),
        (codec.encode_body(make_card())[:-3], "truncated"),
        (b"\xbf\x01\x02\xff", "non_canonical"),
        (b"\xa2\x02\x01\x01\x01", "non_canonical"),
        (b"\xa2\x01\x01\x01\x02", "duplicate_key"),
        (b"\xa1\x18\x01\x01", "non_canonical"),
        (b"\xc1\x01", "wrong_type"),
        (b"\xf9\x3c\x00", "wrong_type"),
    ],
)
def test_malformed_bodies_are_rejected_with_their_code(raw: bytes, code: str) -> None:
    with pytest.raises(Malformed) as caught:
        codec.decode_body(raw)
    assert caught.value.code == code


def test_a_birth_on_the_issue_day_and_a_birth_year_of_the_issue_year_decode() -> None:
    on_the_day = codec.decode_body(_encode(_body(k6=46325)))
    assert on_the_day.holder.birth_date == BirthDate(2026, 11, 1)
    assert codec.decode_body(_encode(_body(k6=-127))).holder.birth_date == BirthDate(2026)


def test_a_name_without_an_icao_table_decodes_with_its_latin_spelling() -> None:
    card = codec.decode_body(_encode(_body(k4=pack_name("ዮናስ ገብረሚካኤል"), k5="YONAS GEBREMIKAEL")))
    assert card.holder.name_latin == "YONAS GEBREMIKAEL"


def test_the_encoder_cannot_write_a_confirmation_without_a_staff_id() -> None:
    with pytest.raises(ProfileError, match=r"confirmed\.staff_id: 0: .* starts at 1"):
        Provenance(confirmed=frozenset({ClinicalField.ALLERGIES}), confirmed_by=0)
    with pytest.raises(ProfileError, match=r"confirmed\.staff_id: None"):
        Provenance(confirmed=frozenset({ClinicalField.ALLERGIES}))


def test_contact_and_sex_are_optional() -> None:
    card = with_holder(make_card(), sex=None)
    card = with_emergency(card, contact=None)
    assert codec.decode_body(codec.encode_body(card)) == card


def test_all_sexes_round_trip() -> None:
    for sex in Sex:
        card = with_holder(make_card(), sex=sex)
        assert codec.decode_body(codec.encode_body(card)).holder.sex is sex


def test_contact_name_in_another_script_round_trips() -> None:
    card = with_emergency(make_card(), contact=EmergencyContact("موسى", "+249912345678"))
    assert codec.decode_body(codec.encode_body(card)).emergency == card.emergency


def test_full_lists_round_trip() -> None:
    data = EmergencyData(
        blood_group="AB-",
        allergies=("91936005", "294505008", "300916003"),
        medications=("A10AE04", "B01AF01", "N03AX14", "R03AC02", "C09AA05", "J05AR03"),
        conditions=("E10", "G40.9", "Z95.0"),
        contact=None,
        languages=("ti", "ar", "prs"),
    )
    card = make_card(emergency=data)
    assert codec.decode_body(codec.encode_body(card)) == card


@pytest.mark.parametrize("name", [*NAMES, "ئاراس", "Đặng Thị Hương", "Aïssatou Bâ", "Ђорђе"])
def test_the_icao_coverage_rule_is_where_a_transliteration_exists(name: str) -> None:
    assert codec.icao_covers(name) is (icao_latin(name) is not None)
