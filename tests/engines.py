"""Three browser engines behind one page-driving interface, so one test body runs in all.

- Chromium: Debian's, through Playwright (tests/browsers.py).
- WebKitGTK: Debian's WebKitWebDriver (a W3C WebDriver server) driving MiniBrowser on Xvfb
  (tests/webkitgtk.py).
- Firefox ESR: its built-in WebDriver BiDi server, spoken over a websocket (Debian ships no
  geckodriver, and Selenium needs one to start a Firefox session) (tests/firefox.py).

Scripts are JavaScript function expressions taking one JSON argument, e.g.
`"(selector) => document.querySelector(selector).innerText"`; they may be async, and what
they return goes back as JSON, the same way in every engine.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}


class ScriptError(RuntimeError):
    """A script threw in the page."""


class EnginePage(ABC):
    """One page (tab) in one engine."""

    engine: str

    @abstractmethod
    def goto(self, url: str) -> None:
        """Navigate and wait for the load event."""

    @abstractmethod
    def evaluate(self, script: str, arg: Any = None) -> Any:
        """Run a function expression on `arg` in the page; its (awaited) JSON result."""

    @abstractmethod
    def errors(self) -> list[str]:
        """Uncaught script errors the page has reported so far (WebDriver classic, hence
        WebKitGTK, has no way to report them: always empty there)."""

    @abstractmethod
    def screenshot(self) -> bytes:
        """A PNG of the page (the whole document where the engine can, else the viewport)."""

    @abstractmethod
    def close(self) -> None:
        """Close the page and forget its storage where the engine allows."""

    def wait_for(self, condition: str, arg: Any = None, timeout: float = 20.0) -> None:
        """Poll `condition` (a function expression) until it returns something truthy.
        The polling runs in the page: one round trip to the driver, not one a poll."""
        poll = f"""async (arg) => {{
          const end = performance.now() + {timeout * 1000};
          while (!(await ({condition})(arg))) {{
            if (performance.now() > end) return false;
            await new Promise((resolve) => setTimeout(resolve, 25));
          }}
          return true;
        }}"""
        if not self.evaluate(poll, arg):
            raise TimeoutError(f"{self.engine}: still false after {timeout} s: {condition}")

    def wait_for_selector(self, selector: str, timeout: float = 20.0) -> None:
        self.wait_for("(s) => document.querySelector(s) !== null", selector, timeout)

    def wait_for_service_worker(self, timeout: float = 20.0) -> None:
        """Wait until the page is controlled by its service worker (it works offline)."""
        self.wait_for("() => navigator.serviceWorker.controller !== null", timeout=timeout)

    def text(self, selector: str) -> str:
        return str(self.evaluate("(s) => document.querySelector(s).innerText", selector))

    def attribute(self, selector: str, name: str) -> str | None:
        found = self.evaluate(
            "([s, n]) => document.querySelector(s).getAttribute(n)", [selector, name]
        )
        return None if found is None else str(found)

    def count(self, selector: str) -> int:
        return int(self.evaluate("(s) => document.querySelectorAll(s).length", selector))

    def visible(self, selector: str) -> bool:
        # What Playwright calls visible: in the document with a non-empty box.
        return bool(
            self.evaluate(
                "(s) => { const e = document.querySelector(s); return !!e"
                " && e.getClientRects().length > 0 && !!(e.offsetWidth || e.offsetHeight); }",
                selector,
            )
        )


def json_wrapper(script: str) -> str:
    """`script` as an async function of a JSON string that answers a JSON string."""
    return (
        f"async (argument) => {{ const value = await ({script})(JSON.parse(argument));"
        " return JSON.stringify(value === undefined ? null : value); }"
    )


# ---- Chromium ---------------------------------------------------------------------------


class ChromiumPage(EnginePage):
    engine = "chromium"

    def __init__(self, browser: Browser, locale: str) -> None:
        context = browser.new_context(viewport=PHONE, locale=locale, service_workers="allow")
        self._attach(context.new_page())

    @classmethod
    def of(cls, page: Page) -> ChromiumPage:
        """A test's own Playwright page (its own context, say offline) behind this interface."""
        wrapped = cls.__new__(cls)
        wrapped._attach(page)
        return wrapped

    def _attach(self, page: Page) -> None:
        self.page = page
        self.seen: list[str] = []
        self.page.on("pageerror", lambda error: self.seen.append(str(error)))

    def errors(self) -> list[str]:
        return list(self.seen)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return json.loads(self.page.evaluate(json_wrapper(script), json.dumps(arg)))

    def wait_for(self, condition: str, arg: Any = None, timeout: float = 20.0) -> None:
        self.page.wait_for_function(condition, arg=arg, timeout=timeout * 1000)

    def screenshot(self) -> bytes:
        return self.page.screenshot(full_page=True)

    def close(self) -> None:
        self.page.context.close()
