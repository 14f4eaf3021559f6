"""The reception console: find a card, see it, revoke, reissue, reprint."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cards.errors import CardError
from cards.model import Card
from cards.valuesets import UI_LANGUAGES
from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.accounts.users import actor_names
from kiosk.domain.audit import recent_events, record_event
from kiosk.domain.cards import holder_search, registry
from kiosk.domain.cards.card_detail import card_detail
from kiosk.domain.cards.qrimage import decode_qr_image
from kiosk.domain.cards.reissue import card_to_profile, read_presented_card, reissue_card
from kiosk.domain.clock import today
from kiosk.domain.printing import queue as printing
from kiosk.models.registry import CardRow
from kiosk.web.auth import role_required
from kiosk.web.errors import status_of
from kiosk.web.staff.blueprint import STAFF_ROLES, actor, bp
from kiosk.web.staff.forms import REASON_LABELS, PlainForm, ReissueForm, RevokeForm, SearchForm
from signing.issuance import IssuedCard
from signing.revocation import Reason

RECENT_ACTIONS = frozenset(
    {"card.issue", "card.print", "card.reprint", "card.revoke", "card.reissue"}
)
Page = str | Response | tuple[str, int]


@bp.get("/")
@role_required(*STAFF_ROLES)
def home() -> str:
    with transaction() as session:
        events = recent_events(session, limit=20, actions=RECENT_ACTIONS)
        names = actor_names(session)
    return render_template("staff/home.html", form=SearchForm(), events=events, names=names)


@bp.post("/search")
@role_required(*STAFF_ROLES)
def search() -> Page:
    """By code: straight to the card. By name + birth date: a list to confirm from.

    A POST, so that names never appear in a URL, a history or an access log.
    """
    form = SearchForm()
    if not form.validate_on_submit():
        return render_template("staff/home.html", form=form, events=[]), 400
    with transaction() as session:
        try:
            if form.code.data:
                row = registry.find_card(session, form.code.data)
                return redirect(url_for("staff.card", code=row.card_code))
            found = holder_search.find_holders(
                session, services().settings, form.name.data or "", form.birth.data or ""
            )
        except CardError as error:
            form.code.errors = [*form.code.errors, error.message]
            return render_template("staff/home.html", form=form, events=[]), status_of(error)
        record_event(
            session, "card.search", actor=actor(), details={"by": "holder", "found": len(found)}
        )
    return render_template("staff/results.html", form=form, found=found)


@bp.get("/cards/<code>")
@role_required(*STAFF_ROLES)
def card(code: str) -> str:
    with transaction() as session:
        row = registry.find_card(session, code)
        detail = card_detail(
            session, services().settings, services().keyring, row, today=today(services().clock)
        )
        record_event(session, "card.view", actor=actor(), subject=audit.card(row.card_code))
        job = printing.latest_job(session, row.card_id)
        job_status = printing.job_status(session, job) if job is not None else None
        names = actor_names(session)
    return render_template(
        "staff/card.html", card=detail, revoke_form=RevokeForm(), plain_form=PlainForm(),
        reasons=REASON_LABELS, print_job=job_status, names=names,
    )  # fmt: skip


@bp.post("/cards/<code>/revoke")
@role_required(*STAFF_ROLES)
def revoke(code: str) -> Page:
    """First post: the confirmation page. Second post (confirmed=yes): the revocation."""
    form = RevokeForm()
    with transaction() as session:
        row = registry.find_card(session, code)
        if not form.validate_on_submit():
            flash(_("Choose one of the reasons to revoke."), "error")
            return redirect(url_for("staff.card", code=row.card_code))
        reason = Reason[(form.reason.data or "").upper()]
        if form.confirmed.data != "yes":
            detail = card_detail(
                session, services().settings, services().keyring, row, today=today(services().clock)
            )
            form.confirmed.data = "yes"
            return render_template(
                "staff/revoke_confirm.html", card=detail, form=form, reason=REASON_LABELS[reason]
            )
        registry.revoke_card(session, row, reason, today=today(services().clock))
        record_event(
            session, "card.revoke", actor=actor(), subject=audit.card(row.card_code),
            details={"reason": reason.label},
        )  # fmt: skip
        card_code = row.card_code
    flash(_("Card %(code)s is revoked.", code=card_code), "success")
    return redirect(url_for("staff.card", code=card_code))


def _profile_from(form: ReissueForm, row: CardRow) -> tuple[Any, str, Card | None]:
    """The new card's data, where it came from, and the old card when it was presented.

    A corrected profile gives the data; the old card's QR code (text or photo), when
    given too, carries the key that moves the full record to the new card.
    """
    settings, keyring = services().settings, services().keyring
    presented: Card | None = None
    if form.qr_image.data:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "card"
            form.qr_image.data.save(path)
            presented, source = (
                read_presented_card(settings, keyring, decode_qr_image(path), row),
                "qr_image",
            )
    elif form.qr_text.data:
        presented, source = (
            read_presented_card(settings, keyring, form.qr_text.data, row),
            "qr_text",
        )
    if form.profile_json.data:
        try:
            return json.loads(form.profile_json.data), "profile", presented
        except json.JSONDecodeError as exc:
            raise registry.RegistryError(
                f"the profile is not valid JSON: {exc.msg} (line {exc.lineno})",
                code="bad_profile_json",
            ) from exc
    if presented is None:
        raise registry.RegistryError(
            _("Scan or paste the old card's QR code, or give a corrected profile."),
            code="no_reissue_source",
        )
    return card_to_profile(presented), source, presented


@bp.route("/cards/<code>/reissue", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def reissue(code: str) -> Page:
    form = ReissueForm()
    settings, keyring = services().settings, services().keyring
    with transaction() as session:
        row = registry.find_card(session, code)
        detail = card_detail(session, settings, keyring, row, today=today(services().clock))
        if not form.validate_on_submit():
            return render_template("staff/reissue.html", card=detail, form=form)
        try:
            with session.begin_nested():
                profile, source, presented = _profile_from(form, row)
                reissued = reissue_card(
                    session, settings, keyring, row, profile, source=source, actor=actor(),
                    today=today(services().clock), presented=presented,
                )  # fmt: skip
        except CardError as error:
            form.submit.errors = [error.message]
            page = render_template("staff/reissue.html", card=detail, form=form)
            return page, status_of(error)
        issued = reissued.issued
        language = _print_language(issued)
        printing.enqueue_card(session, issued, holder_language=language)
        if reissued.recovery_code is not None:
            printing.enqueue_slip(
                session, issued.card.card_code, reissued.recovery_code, holder_language=language
            )
    new_code = issued.card.card_code
    flash(_("Card %(new)s replaces %(old)s and is printing.", new=new_code, old=code), "success")
    return redirect(url_for("staff.card", code=new_code))


def _print_language(issued: IssuedCard) -> str:
    """The card's second language: the holder's first one the card can print, else the centre's."""
    spoken = [lang for lang in issued.card.emergency.languages if lang in UI_LANGUAGES]
    return spoken[0] if spoken else services().settings.card_language


@bp.post("/cards/<code>/reprint")
@role_required(*STAFF_ROLES)
def reprint(code: str) -> Page:
    """Print the kept job again; refused, with the reason, once its data is erased.

    A revoked card is never printed again: 409 on its own page, which offers only a reissue.
    """
    card_code = registry.normalise_reference(code)
    try:
        with transaction() as session:
            row = registry.find_card(session, code)
            card_code = row.card_code
            job = printing.latest_job(session, row.card_id)
            if job is None:
                raise printing.PrintJobError(
                    _("No print job is kept for this card any more: reissue it instead."),
                    code="no_job",
                )
            printing.reprint(session, job, actor=actor())
            flash(_("Card %(code)s is printing again.", code=card_code), "success")
    except printing.PrintJobError as error:
        if error.code != "card_revoked":
            flash(error.message, "error")
            return redirect(url_for("staff.card", code=card_code))
        flash(_("Card %(code)s is revoked: a revoked card is never printed again. Reissue it "
                "instead.", code=card_code), "error")  # fmt: skip
        return card(card_code), status_of(error)
    return redirect(url_for("staff.card", code=card_code))
