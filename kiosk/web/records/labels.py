"""Words of the record and holder pages for coded values, in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

from cards.record import ItemKind


def kind_labels() -> dict[str, str]:
    return {
        ItemKind.ALLERGY.value: _("Allergies"),
        ItemKind.MEDICATION.value: _("Medications"),
        ItemKind.CONDITION.value: _("Conditions"),
        ItemKind.VACCINATION.value: _("Vaccinations"),
        ItemKind.SURGERY.value: _("Past surgery"),
        ItemKind.IMPLANT.value: _("Implants"),
        ItemKind.PREGNANCY.value: _("Pregnancy"),
        ItemKind.TRUSTED_PERSON.value: _("Trusted person"),
        ItemKind.ORGAN_DONATION.value: _("Organ donation"),
        ItemKind.ADVANCE_DIRECTIVE.value: _("Advance directives"),
        ItemKind.DOCUMENT.value: _("Documents"),
    }


def reason_labels() -> dict[str, str]:
    return {
        "unconscious": _("The holder is unconscious"),
        "cannot_communicate": _("The holder cannot communicate"),
        "life_threatening": _("Life-threatening emergency"),
        "holder_consented": _("The holder agreed, but cannot give the PIN"),
    }


def event_labels() -> dict[str, str]:
    return {
        "created": _("Record created"),
        "open": _("Record opened"),
        "break_glass": _("Emergency opening of hidden items"),
        "pin_failed": _("Wrong PIN tried"),
        "update": _("Item added"),
        "mask": _("Item hidden"),
        "unmask": _("Item shown again"),
        "pin_change": _("PIN changed"),
        "rekeyed": _("Moved to a new card"),
        "erased": _("Record erased"),
        "revoked": _("Card revoked"),
    }
