"""WebKitGTK for the tests: Debian's WebKitWebDriver (W3C WebDriver over HTTP) starting
MiniBrowser with --automation on a display of its own (Xvfb)."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from tests.engines import PHONE, EnginePage, ScriptError, json_wrapper
from tests.servers import free_port

WEBKITGTK_BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
STARTUP_SECONDS = 60


@contextmanager
def xvfb() -> Iterator[str]:
    """A virtual X display of its own (Xvfb picks a free number); yields DISPLAY."""
    reader, writer = os.pipe()
    server = subprocess.Popen(
        [
            "/usr/bin/Xvfb",
            "-displayfd",
            str(writer),
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ],
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
            f"({json_wrapper(script)})(argument).then(done, (error) =>"
            " done(JSON.stringify({ __thrown: String(error && error.stack || error) })));"
        )
        path = f"{self.browser.session}/execute/async"
        answer = json.loads(
            self.browser._call("POST", path, {"script": body, "args": [json.dumps(arg)]})
        )
        if isinstance(answer, dict) and "__thrown" in answer:
            raise ScriptError(answer["__thrown"])
        return answer

    def errors(self) -> list[str]:
        return []

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
