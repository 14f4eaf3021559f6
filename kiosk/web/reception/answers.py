"""A holder's answers while the reception flow runs, and the profile they make.

A clinical list is `None` when the holder said "I don't know" (the card says
"not asked"), an empty tuple for "none" and the chosen codes otherwise.
Sensitive items are kept apart and reach the profile only while the holder
keeps the private step open. The PIN of the full record is an answer too,
but never part of the profile.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from cards.spelling import readable_latin
from cards.translit import icao_latin

STEPS = (
    "name",
    "birth",
    "blood",
    "allergies",
    "medications",
    "conditions",
    "contact",
    "languages",
    "sensitive",
    "pin",
    "review",
)
CLINICAL_LISTS = ("allergies", "medications", "conditions")
_TUPLE_FIELDS = {"allergies", "medications", "conditions", "languages", "sensitive"}


@dataclass(frozen=True)
class Answers:
    reached: int = 0  # index in STEPS of the furthest step the holder may open
    name: str = ""
    name_latin: str = ""  # the spelling of the holder's documents, as typed
    latin_none: bool = False  # "I have none": no document spells the name in Latin
    birth_year: str = ""
    birth_month: str = ""
    birth_day: str = ""
    blood_group: str | None = None
    allergies: tuple[str, ...] | None = None
    medications: tuple[str, ...] | None = None
    conditions: tuple[str, ...] | None = None
    contact_name: str = ""
    contact_phone: str = ""
    languages: tuple[str, ...] = ()
    sensitive_open: bool = False
    sensitive: tuple[str, ...] = ()  # "<list>/<code>", e.g. "conditions/B20"
    # The record's PIN, kept only in this sealed flow until the card is issued;
    # never part of the profile, so never on the card.
    pin: str = ""
    issued_card: str = ""  # card code once issued; every answer above is erased then
    # Made when the flow starts (see store.new_issuance_key); the card is registered under it.
    issuance_key: str = ""

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Answers:
        raw: dict[str, Any] = json.loads(data)
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if k in _TUPLE_FIELDS and v is not None else v
            for k, v in raw.items()
            if k in known
        }
        return cls(**values)

    def reaching(self, step: str) -> Answers:
        """These answers with `step` open to the holder."""
        return replace(self, reached=max(self.reached, STEPS.index(step)))

    def answering(self, clinical_list: str, codes: tuple[str, ...] | None) -> Answers:
        """These answers with one clinical list's answer replaced."""
        match clinical_list:
            case "allergies":
                return replace(self, allergies=codes)
            case "medications":
                return replace(self, medications=codes)
            case "conditions":
                return replace(self, conditions=codes)
        raise ValueError(f"{clinical_list!r} is not a clinical list")

    def may_open(self, step: str) -> bool:
        return STEPS.index(step) <= self.reached

    def latin_line(self, *, stored_only: bool = False) -> str:
        """The name's Latin line: the documents' spelling, else (with "I have none") the
        readable spelling. A script with an ICAO 9303 table stores none, the verifier
        computes it; `stored_only` gives what the card then carries."""
        if self.name_latin or not self.latin_none:
            return self.name_latin
        if stored_only and icao_latin(self.name) is not None:
            return ""
        return readable_latin(self.name) or ""

    def birth_date(self) -> str:
        if self.birth_month and self.birth_day:
            return f"{self.birth_year}-{int(self.birth_month):02d}-{int(self.birth_day):02d}"
        return self.birth_year

    def sensitive_codes(self, clinical_list: str) -> tuple[str, ...]:
        """The private items of one list the holder chose, while the private step is open."""
        if not self.sensitive_open:
            return ()
        prefix = f"{clinical_list}/"
        return tuple(item[len(prefix) :] for item in self.sensitive if item.startswith(prefix))

    def printed_codes(self, clinical_list: str) -> tuple[str, ...] | None:
        """What the card will carry for one list: None for "not asked"."""
        regular: tuple[str, ...] | None = getattr(self, clinical_list)
        private = self.sensitive_codes(clinical_list)
        if regular is None and not private:
            return None
        return (*(regular or ()), *private)

    def profile(self) -> dict[str, Any]:
        """The holder profile (cards/schemas/profile.schema.json) these answers make."""
        profile: dict[str, Any] = {"name": self.name, "birth_date": self.birth_date()}
        latin = self.latin_line(stored_only=True)
        if latin:
            profile["name_latin"] = latin
        if self.blood_group is not None:
            profile["blood_group"] = self.blood_group
        chosen: list[str] = []
        for clinical_list in CLINICAL_LISTS:
            codes = self.printed_codes(clinical_list)
            if codes is not None:
                profile[clinical_list] = list(codes)
                chosen.extend(self.sensitive_codes(clinical_list))
        if chosen:
            profile["include_sensitive"] = chosen
        if self.contact_phone:
            profile["emergency_contact"] = {"name": self.contact_name, "phone": self.contact_phone}
        if self.languages:
            profile["languages"] = list(self.languages)
        return profile
