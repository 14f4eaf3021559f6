"""A person at the reception kiosk over real HTTP: one session that follows the flow's forms."""

from __future__ import annotations

import html
import re
from typing import Any

import requests

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
HOLDER_PIN = "428613"
FIELD_ERROR = re.compile(
    r'<p class="field-error" id="error-([a-z_]+)" role="alert">(.*?)</p>', re.S
)


class Holder:
    """A person at the kiosk: one HTTP session that follows the flow's forms."""

    def __init__(self, base: str, *, ca_file: str | None = None) -> None:
        """`ca_file`: the certificate a TLS deployment (tests/deployment.py) is checked with."""
        self.base = base
        self.http = requests.Session()
        self.token = ""
        if ca_file is not None:
            # Else REQUESTS_CA_BUNDLE from the environment would override the session's.
            self.http.trust_env = False
            self.http.verify = ca_file
        if base.startswith("https:"):
            # Behind TLS, Flask-WTF also checks that a form comes from this site's pages.
            self.http.headers["Referer"] = f"{base}/kiosk/"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.base + path, timeout=10, **kwargs)
        self._remember_token(response)
        return response

    def post(
        self, path: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> requests.Response:
        form = {"csrf_token": self.token, **(data or {})}
        response = self.http.post(self.base + path, data=form, timeout=10, **kwargs)
        self._remember_token(response)
        return response

    def _remember_token(self, response: requests.Response) -> None:
        found = CSRF_META.search(response.text)
        if found:
            self.token = found.group(1)

    def start(self, language: str = "en") -> requests.Response:
        self.get("/kiosk/")
        self.post("/kiosk/", {"lang": language})
        return self.post("/kiosk/consent", {"answer": "yes"})

    def answer(self, step: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.post(f"/kiosk/{step}", data, **kwargs)

    def walk_to_review(
        self, language: str = "en", *, stop_at: str = "review", **changes: dict[str, Any]
    ) -> requests.Response:
        """Answer every step with plain valid answers (or `changes[step]`); lands on review.

        `stop_at` a step: answer only the steps before it and land there.
        """
        self.start(language)
        answers: dict[str, dict[str, Any]] = {
            "name": {"name": "Amina Diallo"},
            "birth": {"year": "1994", "month": "3", "day": "12"},
            "blood": {"blood_group": "O+"},
            "allergies": {"code": ["294505008"], "action": "next"},
            "medications": {"action": "unknown"},
            "conditions": {"action": "none"},
            "contact": {"contact_name": "Moussa", "contact_phone": "+33 6 12 34 56 78"},
            "languages": {"code": ["fr", "ff"], "action": "next"},
            "sensitive": {"action": "skip"},
            "pin": {"pin": HOLDER_PIN, "pin_again": HOLDER_PIN},
        }
        answers.update(changes)
        steps = [*answers, "review"]
        for index, step in enumerate(steps[: steps.index(stop_at)]):
            response = self.answer(step, answers[step], allow_redirects=False)
            assert response.headers.get("Location") == f"/kiosk/{steps[index + 1]}", (
                f"{step} refused ({response.status_code}): {field_errors(response)} "
                f"{response.text[:800]}"
            )
        return self.get(f"/kiosk/{stop_at}")


def field_errors(response: requests.Response) -> dict[str, str]:
    """Field -> error text shown next to it."""
    return {
        field: html.unescape(re.sub(r"<[^>]+>", "", text)).replace("⚠", "").strip()
        for field, text in FIELD_ERROR.findall(response.text)
    }


