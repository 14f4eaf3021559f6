"""The kiosk's search over the whole terminologies, over real HTTP: a code beyond the tiles is
found by the holder's language, English or the code, chosen, reviewed and issued; a private
code is found only in the private step."""

from __future__ import annotations

import re

from cards import valuesets
from tests.holder import HOLDER_PIN, Holder, field_errors


def tile_values(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="code" value="([^"]+)"', page)


def search(holder: Holder, step: str, query: str) -> str:
    return holder.answer(step, {"action": "search", "q": query}).text


def test_a_condition_beyond_the_tiles_is_found_by_language_english_and_code(
    holder: Holder,
) -> None:
    holder.walk_to_review("ar", stop_at="conditions")
    assert "E78" not in tile_values(holder.get("/kiosk/conditions").text)
    arabic = valuesets.conditions().label("E78", "ar").removesuffix(" (E78)")
    for query in ("E78", "lipoprotein", arabic):
        page = search(holder, "conditions", query)
        assert "E78" in tile_values(page), query
    assert valuesets.conditions().label("E78", "ar") in page


def test_a_medicine_is_found_by_its_french_name(holder: Holder) -> None:
    holder.walk_to_review("fr", stop_at="medications")
    assert "C10AB05" not in tile_values(holder.get("/kiosk/medications").text)
    for query in ("fénofibrate", "Fenofibrate", "C10AB05"):
        assert "C10AB05" in tile_values(search(holder, "medications", query)), query


def test_private_codes_are_not_offered_outside_the_private_step(holder: Holder) -> None:
    holder.walk_to_review("en", stop_at="conditions")
    assert not {"B20", "B20.1"} & set(tile_values(search(holder, "conditions", "B20")))
    refused = holder.answer("conditions", {"code": ["B20"], "action": "next"})
    assert "private" in field_errors(refused)["codes"]
    unknown = holder.answer("conditions", {"code": ["U99.9"], "action": "next"})
    assert "not in the list" in field_errors(unknown)["codes"]


def test_the_done_when_profile_is_issued_at_the_kiosk(holder: Holder) -> None:
    holder.walk_to_review(
        "ar",
        stop_at="sensitive",
        allergies={"code": ["294494002"], "action": "next"},
        conditions={"code": ["E78"], "action": "next"},
    )
    holder.answer("sensitive", {"action": "open"})
    found = tile_values(search(holder, "sensitive", "B20"))
    assert "conditions/B20" in found
    chosen = {"code": ["conditions/B20", "conditions/Z21"], "action": "next"}
    response = holder.answer("sensitive", chosen, allow_redirects=False)
    assert response.headers.get("Location") == "/kiosk/pin", field_errors(response)
    holder.answer("pin", {"pin": HOLDER_PIN, "pin_again": HOLDER_PIN})
    review = holder.get("/kiosk/review").text
    printed = (("conditions", "B20"), ("conditions", "E78"), ("allergies", "294494002"))
    for field, code in printed:  # the review shows the words the card prints
        for language in ("ar", "fr"):  # the holder's language and the card's
            label = valuesets.value_set(field).card_label(code, language)
            assert label.replace("'", "&#39;") in review, (code, language)
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done")
