"""Three browser engines behind one page-driving interface, so one test body runs in all.

- Chromium: Debian's, through Playwright (tests/browsers.py).
- WebKitGTK: Debian's WebKitWebDriver (a W3C WebDriver server) driving MiniBrowser on Xvfb.
- Firefox ESR: its built-in WebDriver BiDi server, spoken over a websocket (Debian ships no
  geckodriver, and Selenium needs one to start a Firefox session).

Scripts are JavaScript function expressions taking one JSON argument, e.g.
`"(selector) => document.querySelector(selector).innerText"`; they may be async, and what
they return goes back as JSON, the same way in every engine.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from playwright.sync_api import Browser, Page, ViewportSize
from websockets.sync.client import ClientConnection, connect

from tests.servers import free_port

ENGINES = ("chromium", "webkitgtk", "firefox")
PHONE: ViewportSize = {"width": 390, "height": 844}
WEBKITGTK_BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
FIREFOX = "/usr/bin/firefox-esr"
# A fresh Firefox profile: no first-run pages, no update or telemetry traffic, English first.
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "intl.accept_languages": "en-GB, en",
}
STARTUP_SECONDS = 60


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
    def screenshot(self) -> bytes:
        """A PNG of the page (the whole document where the engine can, else the viewport)."""

    @abstractmethod
    def close(self) -> None:
        """Close the page and forget its storage where the engine allows."""

    def wait_for(self, condition: str, arg: Any = None, timeout: float = 20.0) -> None:
        """Poll `condition` (a function expression) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(condition, arg):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.engine}: still false after {timeout} s: {condition}")
            time.sleep(0.05)

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


def _json_wrapper(script: str) -> str:
    """`script` as an async function of a JSON string that answers a JSON string."""
    return (
        f"async (argument) => {{ const value = await ({script})(JSON.parse(argument));"
        " return JSON.stringify(value === undefined ? null : value); }"
    )


# ---- Chromium ---------------------------------------------------------------------------


class ChromiumPage(EnginePage):
    engine = "chromium"

    def __init__(self, browser: Browser, locale: str) -> None:
        self.page: Page = browser.new_context(
            viewport=PHONE, locale=locale, service_workers="allow"
        ).new_page()

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return json.loads(self.page.evaluate(_json_wrapper(script), json.dumps(arg)))

    def wait_for(self, condition: str, arg: Any = None, timeout: float = 20.0) -> None:
        self.page.wait_for_function(condition, arg=arg, timeout=timeout * 1000)

    def screenshot(self) -> bytes:
        return self.page.screenshot(full_page=True)

    def close(self) -> None:
        self.page.context.close()


# ---- WebKitGTK: W3C WebDriver (HTTP) -----------------------------------------------------


@contextmanager
def xvfb() -> Iterator[str]:
    """A virtual X display of its own (Xvfb picks a free number); yields DISPLAY."""
    reader, writer = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(writer), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(writer,),
        stderr=subprocess.DEVNULL,
    )
    os.close(writer)
    try:
        with os.fdopen(reader) as answer:
            number = answer.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class WebKitGTK:
    """A WebKitWebDriver at `base` and its MiniBrowser session; pages are its windows."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                self.http.get(f"{self.base}/status", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        # The driver starts the browser with exactly these arguments: --automation is
        # what lets it be driven.
        options = {"binary": WEBKITGTK_BROWSER, "args": ["--automation"]}
        session = self._call("POST", "/session", {
            "capabilities": {"alwaysMatch": {"webkitgtk:browserOptions": options}}
        })  # fmt: skip
        self.session = f"/session/{session['sessionId']}"
        self.version = str(session["capabilities"]["browserVersion"])
        self.home = self._call("GET", f"{self.session}/window")
        self._call("POST", f"{self.session}/timeouts", {"script": 120_000})

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(method, f"{self.base}{path}", json=body, timeout=180)
        value = answer.json()["value"]
        if answer.status_code != 200:
            raise ScriptError(f"WebKitWebDriver {path}: {value['error']}: {value['message']}")
        return value

    def new_page(self) -> WebKitPage:
        handle = self._call("POST", f"{self.session}/window/new", {"type": "window"})["handle"]
        self._call("POST", f"{self.session}/window", {"handle": handle})
        self._call("POST", f"{self.session}/window/rect", PHONE)
        return WebKitPage(self)


class WebKitPage(EnginePage):
    engine = "webkitgtk"

    def __init__(self, browser: WebKitGTK) -> None:
        self.browser = browser

    def goto(self, url: str) -> None:
        self.browser._call("POST", f"{self.browser.session}/url", {"url": url})

    def evaluate(self, script: str, arg: Any = None) -> Any:
        body = (
            "const [argument, done] = arguments;"
            f"({_json_wrapper(script)})(argument).then(done, (error) =>"
            " done(JSON.stringify({ __thrown: String(error && error.stack || error) })));"
        )
        path = f"{self.browser.session}/execute/async"
        answer = json.loads(
            self.browser._call("POST", path, {"script": body, "args": [json.dumps(arg)]})
        )
        if isinstance(answer, dict) and "__thrown" in answer:
            raise ScriptError(answer["__thrown"])
        return answer

    def screenshot(self) -> bytes:
        return base64.b64decode(self.browser._call("GET", f"{self.browser.session}/screenshot"))

    def close(self) -> None:
        self.browser._call("DELETE", f"{self.browser.session}/window")
        self.browser._call("POST", f"{self.browser.session}/window", {"handle": self.browser.home})


@contextmanager
def webkitgtk() -> Iterator[WebKitGTK]:
    """WebKitWebDriver on a display of its own, with one MiniBrowser session."""
    with xvfb() as display:
        port = free_port()
        # A process group of its own, so the browser it starts goes with it.
        driver = subprocess.Popen(
            ["/usr/bin/WebKitWebDriver", f"--port={port}"],
            env={**os.environ, "DISPLAY": display, "LANG": "en_GB.UTF-8"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            browser = WebKitGTK(f"http://127.0.0.1:{port}")
            yield browser
            browser._call("DELETE", browser.session)
        finally:
            os.killpg(driver.pid, signal.SIGTERM)
            driver.wait(timeout=10)


# ---- Firefox ESR: WebDriver BiDi over a websocket ----------------------------------------


class Firefox:
    """A Firefox's WebDriver BiDi session over `socket` (see `firefox()`)."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.sequence = 0
        session = self.command("session.new", {"capabilities": {}})
        self.version = str(session["capabilities"]["browserVersion"])

    def command(self, method: str, params: dict[str, Any]) -> Any:
        self.sequence += 1
        self.socket.send(json.dumps({"id": self.sequence, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=180))
            if message.get("id") == self.sequence:
                break
        if message["type"] == "error":
            raise ScriptError(f"Firefox {method}: {message['error']}: {message['message']}")
        return message["result"]

    def new_page(self) -> FirefoxPage:
        # A user context of its own: fresh cookies, storage and service workers, like a
        # Playwright browser context.
        user = self.command("browser.createUserContext", {})["userContext"]
        tab = self.command("browsingContext.create", {"type": "tab", "userContext": user})
        self.command("browsingContext.setViewport", {"context": tab["context"], "viewport": PHONE})
        return FirefoxPage(self, tab["context"], user)


class FirefoxPage(EnginePage):
    engine = "firefox"

    def __init__(self, browser: Firefox, context: str, user: str) -> None:
        self.browser = browser
        self.context = context
        self.user = user

    def goto(self, url: str) -> None:
        self.browser.command(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"}
        )

    def evaluate(self, script: str, arg: Any = None) -> Any:
        result = self.browser.command("script.callFunction", {
            "functionDeclaration": _json_wrapper(script),
            "arguments": [{"type": "string", "value": json.dumps(arg)}],
            "target": {"context": self.context},
            "awaitPromise": True,
        })  # fmt: skip
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise ScriptError(f"{details['text']}\n{details.get('stackTrace')}")
        return json.loads(result["result"]["value"])

    def screenshot(self) -> bytes:
        shot = self.browser.command(
            "browsingContext.captureScreenshot", {"context": self.context, "origin": "document"}
        )
        return base64.b64decode(shot["data"])

    def close(self) -> None:
        self.browser.command("browsingContext.close", {"context": self.context})
        self.browser.command("browser.removeUserContext", {"userContext": self.user})


def _bidi_address(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
        if found:
            # Nothing else reads Firefox's diagnostics: stop collecting them.
            process.stderr.close()
            return found.group(1)
    raise RuntimeError(f"Firefox exited before its BiDi server listened: {process.wait()}")


@contextmanager
def firefox() -> Iterator[Firefox]:
    """A headless Firefox ESR with a fresh profile, its BiDi server on a free port."""
    with tempfile.TemporaryDirectory(prefix="ehcard-firefox-") as profile:
        with open(os.path.join(profile, "user.js"), "w", encoding="utf-8") as prefs:
            for name, value in FIREFOX_PREFS.items():
                prefs.write(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n")
        process = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", profile,
             "--remote-debugging-port", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            address = _bidi_address(process)
            with connect(f"{address}/session", max_size=None, open_timeout=30) as socket:
                browser = Firefox(socket)
                yield browser
                browser.command("browser.close", {})
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
