"""The HTTP side of the page benchmark (`manage.py bench_pages`): gunicorn servers started and
stopped, personas logged in through the real login form, `wrk` run and read, the workers'
resident memory.

Benchmark tooling, run from a development checkout: it uses `requests`, which only
requirements-dev.txt installs, and starts gunicorn, collectstatic and wrk as subprocesses with
arguments of its own (bandit B404, B603).
"""

import os
import re
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

WRK_MISSING = "wrk is not installed: `sudo apt-get install wrk` (Debian, Ubuntu)."
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BenchError(Exception):
    """Something that makes the figures meaningless: the command stops and says what."""


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Server:
    """A gunicorn master and its workers, serving `app` on 127.0.0.1:`port`."""

    name: str
    app: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, env: dict[str, str], workers: int, cwd: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            f"--workers={workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=60",  # as README's "Running it in production" advises
            "--log-level=warning",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  # nosec B603
                command, env=env, cwd=cwd, stdout=log, stderr=log
            )

    def wait_ready(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn ({self.name}) exited:\n{self.log_tail()}")
            try:
                requests.get(self.url + path, timeout=30, allow_redirects=False)
                return
            except requests.RequestException:  # not listening yet, or a cold worker
                time.sleep(0.2)
        raise BenchError(
            f"gunicorn ({self.name}) did not answer in {timeout} s:\n{self.log_tail()}"
        )

    def workers_rss_mb(self) -> list[float]:
        """The resident memory of each worker (the master's children), in MB."""
        return [rss_mb(pid) for pid in children_of(self.process.pid)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": the command name may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


# --- Personas ----------------------------------------------------------------------------------


def log_in(base_url: str, email: str, password: str, code=None) -> requests.Session:
    """A session logged in through the login form (and the second factor's form, with the
    code `code()` gives, when the account has a device)."""
    session = requests.Session()
    login_url = f"{base_url}/comptes/connexion/"
    response = post_form(
        session, login_url, {"username": email, "password": password}, name=f"login of {email}"
    )
    if response.headers.get("Location", "").startswith("/comptes/double-authentification/"):
        if code is None:
            raise BenchError(f"{email} is asked for a second factor and has none.")
        verify_url = base_url + response.headers["Location"]
        response = post_form(session, verify_url, {"code": code()}, name=f"2FA of {email}")
        if "double-authentification" in response.headers.get("Location", ""):
            raise BenchError(f"The second factor of {email} was refused.")
    if "sessionid" not in session.cookies:
        raise BenchError(f"No session after the login of {email}.")
    return session


def post_form(session: requests.Session, url: str, data: dict, *, name: str):
    page = session.get(url, timeout=30)
    token = CSRF_FIELD.search(page.text)
    if page.status_code != 200 or token is None:
        raise BenchError(f"{name}: GET {url} answered {page.status_code} with no form.")
    response = session.post(
        url,
        data={**data, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise BenchError(f"{name}: POST {url} answered {response.status_code}, not a redirect.")
    return response


def cookie_header(session: requests.Session | None) -> str:
    if session is None:
        return ""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


# --- wrk ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """What one `wrk` run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx or 3xx answers
    timeouts: int


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(WRK_MISSING)
    return path


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def run_wrk(url: str, *, cookie: str, threads: int, connections: int, seconds: int) -> Load:
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        # gunicorn's own limit: a slow page is measured, not cut at wrk's 2 s and left out of
        # the latencies.
        "--timeout=60s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    done = subprocess.run(  # noqa: S603  # nosec B603
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk {url} failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Load:
    """Requests per second, the 50th and 99th percentiles of the latency (`--latency`), the
    requests made, the answers other than 2xx or 3xx, and the socket timeouts."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    if rps is None or total is None:
        raise BenchError(f"Unreadable wrk output:\n{output}")
    percentiles = {
        int(p): float(value) * UNITS_MS[unit]
        for p, value, unit in re.findall(
            r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE
        )
    }
    if set(percentiles) != {50, 99}:
        raise BenchError(f"No latency distribution in wrk's output (--latency):\n{output}")
    errors = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", output, re.MULTILINE)
    timeouts = re.search(r"^\s*Socket errors:.*timeout (\d+)", output, re.MULTILINE)
    return Load(
        rps=float(rps.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total.group(1)),
        errors=int(errors.group(1)) if errors else 0,
        timeouts=int(timeouts.group(1)) if timeouts else 0,
    )


def start_collectstatic(env: dict[str, str], *, cwd: Path, log: Path) -> subprocess.Popen:
    """The static files and WhiteNoise's manifest, where `env` says (DJANGO_STATIC_ROOT), in
    the background: it takes a while (compressing every file), the data set builds meanwhile."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603  # nosec B603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=out,
        )


def finish(process: subprocess.Popen, log: Path) -> None:
    if process.wait() != 0:
        raise BenchError(f"collectstatic failed:\n{log.read_text(errors='replace')}")


def flush_cache(url: str) -> None:
    """Empty the Redis database at `url`, the benchmark's own."""
    import redis  # the portal's cache client, installed with it

    with redis.Redis.from_url(url) as client:
        client.flushdb()


def production_env(*, database_url: str, cache_url: str, static_root: Path, var_dir: Path):
    """The portal's production settings, for the gunicorn child (and its collectstatic)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PACTE_", "DATABASE_", "CELERY_", "EMAIL_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "pacte.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "PACTE_VAR_DIR": str(var_dir),
        "PACTE_CACHE_URL": cache_url,
        "DATABASE_URL": database_url,
        # Nothing a GET queues must leave the machine, nor land in the checkout.
        "CELERY_BROKER_URL": "memory://",
        "PYTHONUNBUFFERED": "1",
    }
    return env
