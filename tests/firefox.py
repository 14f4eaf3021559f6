"""Firefox ESR for the tests: its built-in WebDriver BiDi server (--remote-debugging-port,
a fresh profile), spoken over a websocket."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.engines import PHONE, EnginePage, ScriptError, json_wrapper

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


class Firefox:
    """A Firefox's WebDriver BiDi session over `socket` (see `firefox()`)."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.sequence = 0
        # Uncaught script errors, by browsing context: read as they come, between answers.
        self.errors: dict[str, list[str]] = {}
        session = self.command("session.new", {"capabilities": {}})
        self.version = str(session["capabilities"]["browserVersion"])
        self.command("session.subscribe", {"events": ["log.entryAdded"]})

    def command(self, method: str, params: dict[str, Any]) -> Any:
        self.sequence += 1
        self.socket.send(json.dumps({"id": self.sequence, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=180))
            if message.get("id") == self.sequence:
                break
            if message.get("method") == "log.entryAdded":
                entry = message["params"]
                if entry["type"] == "javascript" and entry["level"] == "error":
                    context = entry["source"].get("context", "")
                    self.errors.setdefault(context, []).append(entry["text"])
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
            "functionDeclaration": json_wrapper(script),
            "arguments": [{"type": "string", "value": json.dumps(arg)}],
            "target": {"context": self.context},
            "awaitPromise": True,
        })  # fmt: skip
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise ScriptError(f"{details['text']}\n{details.get('stackTrace')}")
        return json.loads(result["result"]["value"])

    def errors(self) -> list[str]:
        self.evaluate("() => null")  # reads the events sent before its answer
        return list(self.browser.errors.get(self.context, []))

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
