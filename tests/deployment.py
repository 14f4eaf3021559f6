"""The documented production deployment, started for tests as an operator would start it.

- `ehcard init-production` makes the keys and the env file; the env file is read by
  `sh` (`set -a; . FILE`), as systemd's EnvironmentFile= reads it.
- gunicorn runs with the flags of deploy/server/ehcard.service's ExecStart, read
  from that file: only its Unix socket moves into the test's folder, and a
  loopback TCP address is added so that tests can also reach the workers directly.
- `ehcard print-worker` runs as its own process, as deploy/server/ehcard-print.service
  runs it, printing to a network printer on a real TCP socket.
- nginx runs with deploy/server/nginx-ehcard.conf (TLS with a throw-away certificate),
  its paths moved into the test's folder, in front of gunicorn's Unix socket.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.databases import fresh_database
from tests.holder import Holder
from tests.kiosk.fake_printer import FakePrinter
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "deploy" / "server"
BIN = Path(sys.executable).parent
CENTRE = "Centre d'accueil \"Les Tilleuls\" $HOME"
STARTUP_SECONDS = 60


class LoopbackSession(requests.Session):
    """Sends Secure cookies to http://127.0.0.1 too, as browsers do for localhost."""

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        # A redirect's request takes its cookies from the response before it, Secure ones too.
        jar = prepared_request._cookies
        assert jar is not None
        for cookie in jar:
            cookie.secure = False
        prepared_request.headers.pop("Cookie", None)
        prepared_request.prepare_cookies(jar)
        super().rebuild_auth(prepared_request, response)


def service_exec_start(name: str) -> list[str]:
    """The ExecStart= of a unit in deploy/server, split as systemd splits it."""
    for line in (SERVER / name).read_text("utf-8").splitlines():
        if line.startswith("ExecStart="):
            return shlex.split(line.removeprefix("ExecStart="))
    raise AssertionError(f"{name} has no ExecStart=")


def read_env_file(path: Path) -> dict[str, str]:
    """The EHCARD_* variables of an env file as `sh` reads it (set -a; . FILE)."""
    script = 'set -a; . "$1"; env -0'
    output = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(path)], env={"PATH": os.environ["PATH"]},
        capture_output=True, check=True, timeout=10,
    ).stdout.decode()  # fmt: skip
    pairs = (item.partition("=") for item in output.split("\0") if item)
    return {name: value for name, _, value in pairs if name.startswith("EHCARD_")}


@dataclass
class Deployment:
    """A running production deployment; `app_url` reaches gunicorn, `public_url` nginx."""

    folder: Path
    env: dict[str, str]
    database_url: str
    printer: FakePrinter
    app_url: str = ""
    public_url: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def ca_file(self) -> str:
        """The throw-away certificate nginx serves, to check its TLS against."""
        return str(self.folder / "tls" / "fullchain.pem")

    def holder(self) -> Holder:
        """A new person at the kiosk, through nginx over TLS."""
        return Holder(self.public_url, ca_file=self.ca_file)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """A GET through nginx, checked against the test certificate."""
        return requests.get(f"{self.public_url}{path}", verify=self.ca_file, timeout=60, **kwargs)

    def direct(self) -> requests.Session:
        """A client of gunicorn's own address, behind no nginx and so under no rate limit
        of nginx's: for what the application itself must hold (lock-outs, throttles)."""
        session = LoopbackSession()
        session.trust_env = False
        return session

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """A POST through nginx (no CSRF token: for what nginx itself decides)."""
        return requests.post(f"{self.public_url}{path}", verify=self.ca_file, timeout=60, **kwargs)

    @property
    def instance(self) -> Path:
        return Path(self.env["EHCARD_INSTANCE"])

    @property
    def database_name(self) -> str:
        return self.database_url.rsplit("/", 1)[1]

    def process_env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("EHCARD_")}
        return {**base, **self.env}

    def ehcard(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The `ehcard` command with the server's settings, as an operator runs it."""
        return subprocess.run(
            [str(BIN / "ehcard"), *args], env=self.process_env(), cwd=ROOT,
            capture_output=True, text=True, check=check, timeout=120,
        )  # fmt: skip

    def add_user(self, username: str, password: str, role: str) -> None:
        """An account made with `ehcard user add`, the password typed at its prompt."""
        subprocess.run(
            [str(BIN / "ehcard"), "user", "add", username, "--role", role],
            input=f"{password}\n{password}\n", env=self.process_env(), cwd=ROOT,
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip

    def gunicorn_pids(self) -> set[int]:
        """The gunicorn master and its workers."""
        master = self.processes["gunicorn"].pid
        return {master, *children(master)}

    def worker_pids(self) -> set[int]:
        return children(self.processes["gunicorn"].pid)

    def print_worker_pid(self) -> int:
        return self.processes["print-worker"].pid


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Path, ca_file: str | None = None
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2, verify=ca_file or True).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def spawn(
    name: str, argv: list[str], deployment: Deployment, stack: ExitStack
) -> subprocess.Popen[bytes]:
    log = deployment.folder / f"{name}.log"
    handle = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(
        argv, env=deployment.process_env(), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
    )
    stack.callback(stop, process)
    deployment.processes[name] = process
    return process


def gunicorn_argv(
    socket_path: Path, port: int, workers: tuple[int, int] | None = None
) -> list[str]:
    """ehcard.service's gunicorn command; `workers` (workers, threads) replaces its counts."""
    argv = service_exec_start("ehcard.service")
    assert Path(argv[0]).name == "gunicorn", argv
    if workers is not None:
        for flag, count in zip(("--workers", "--threads"), workers, strict=True):
            argv[argv.index(flag) + 1] = str(count)
    bind = argv.index("--bind")
    assert argv[bind + 1] == "unix:/run/ehcard/gunicorn.sock", argv
    argv[bind + 1] = f"unix:{socket_path}"
    return [str(BIN / "gunicorn"), *argv[1:bind], "--bind", f"127.0.0.1:{port}", *argv[bind:]]


def nginx_config(folder: Path, socket_path: Path, http_port: int, https_port: int) -> Path:
    """nginx.conf for the test: the site file with its machine paths moved under `folder`."""
    site = (SERVER / "nginx-ehcard.conf").read_text("utf-8")
    moves = {
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "unix:/run/ehcard/gunicorn.sock": f"unix:{socket_path}",
        "/etc/ehcard/tls/": f"{folder}/tls/",
        "/etc/nginx/snippets/ehcard-proxy.conf": str(SERVER / "nginx-ehcard-proxy.conf"),
        "/opt/ehcard/static/": f"{ROOT}/static/",
        "/var/log/nginx/": f"{folder}/",
    }
    for old, new in moves.items():
        assert old in site, f"nginx-ehcard.conf no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    (folder / "tls").mkdir()
    subprocess.run(
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", "/CN=ehcard.example.org",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:ehcard.example.org",
         "-keyout", str(folder / "tls" / "privkey.pem"),
         "-out", str(folder / "tls" / "fullchain.pem")],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    temp = folder / "nginx-temp"
    temp.mkdir()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


@contextmanager
def production_deployment(
    folder: Path, *, workers: tuple[int, int] | None = None
) -> Iterator[Deployment]:
    """Start the whole deployment under `folder` on a new PostgreSQL database.

    `workers` (workers, threads) replaces ehcard.service's counts, for benchmarks only."""
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database("postgresql", folder))
        printer = FakePrinter()
        stack.callback(printer.close)
        env_file = folder / "ehcard.env"
        subprocess.run(
            [str(BIN / "ehcard"), "--instance", str(folder / "instance"), "init-production",
             "--root-key-out", str(folder / "root.key"), "--env-out", str(env_file),
             "--centre-name", CENTRE, "--database-url", database_url,
             "--printer", printer.setting],
            env={k: v for k, v in os.environ.items() if not k.startswith("EHCARD_")},
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        deployment = Deployment(folder, read_env_file(env_file), database_url, printer)
        socket_path = folder / "gunicorn.sock"
        port = free_port()
        deployment.app_url = f"http://127.0.0.1:{port}"
        gunicorn = spawn("gunicorn", gunicorn_argv(socket_path, port, workers), deployment, stack)
        wait_until_up(f"{deployment.app_url}/healthz", gunicorn, folder / "gunicorn.log")
        print_argv = service_exec_start("ehcard-print.service")
        assert print_argv[0].endswith("/ehcard") and print_argv[1:] == ["print-worker"]
        spawn("print-worker", [str(BIN / "ehcard"), "print-worker"], deployment, stack)
        http_port, https_port = free_port(), free_port()
        config = nginx_config(folder, socket_path, http_port, https_port)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proxy = spawn("nginx", [nginx, "-c", str(config), "-g", "daemon off;"], deployment, stack)
        deployment.public_url = f"https://127.0.0.1:{https_port}"
        wait_until_up(
            f"{deployment.public_url}/healthz", proxy, folder / "nginx-error.log",
            deployment.ca_file,
        )  # fmt: skip
        yield deployment
