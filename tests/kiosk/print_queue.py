"""Helpers for print queue tests: a worker on a clock the tests move, issued cards."""

from __future__ import annotations

from datetime import timedelta

from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.cards import registry
from kiosk.domain.clock import Clock, today
from kiosk.domain.printing.printers import Printer
from kiosk.domain.printing.worker import PrintSetup, PrintWorker
from signing.issuance import IssuedCard

REFERENCE_PROFILE = {
    "name": "ሰላም ተስፋይ",
    "name_latin": "SELAM TESFAY",
    "birth_date": "1994-03-12",
    "blood_group": "A+",
    "allergies": ["294505008"],
    "medications": ["A10AE04"],
    "conditions": ["E10"],
    "emergency_contact": {"name": "Moussa", "phone": "+33612345678"},
    "languages": ["ti", "fr"],
}


def make_worker(services: Services, printer: Printer, clock: Clock) -> PrintWorker:
    return PrintWorker(
        printer=printer,
        sessions=services.sessions,
        setup=PrintSetup.from_settings(services.settings),
        grace=timedelta(minutes=services.settings.print_job_grace_minutes),
        unprinted=timedelta(hours=services.settings.print_job_unprinted_hours),
        clock=clock,
    )


def issue(services: Services) -> IssuedCard:
    with session_scope(services.sessions) as session:
        return registry.issue_card(
            session,
            services.settings,
            services.keyring,
            REFERENCE_PROFILE,
            today=today(services.clock),
        )
