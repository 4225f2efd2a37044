"""Real parts for the browser tests: a `streamlit run` server on 127.0.0.1 and headless Chromium.

Nothing here talks to anything but 127.0.0.1: the server binds to the loopback address and
`block_outside_requests` aborts every browser request to another host (and records it).
Waits are bounded polls (`poll`, `stays`), never fixed sleeps.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / ".artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]
SERVER_START_S = 60.0
"""Longest wait for a fresh server to answer its health check."""


def require_chromium() -> str:
    """Path of Debian's Chromium. Without it the browser tests fail, with the fix: they are
    part of what `make test` proves (`make test` installs it when run as root)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Fix: "
                    "sudo apt-get install -y chromium (make test does this when run as root)")
    return str(CHROMIUM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _local_get(url: str, timeout: float) -> str:
    # No proxy: the app server is on the loopback address.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return response.read().decode("utf-8", "replace")


@dataclass
class Server:
    """A running `streamlit run app.py` and where its output goes."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's output, for failure messages."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


@contextmanager
def streamlit_server(env: dict[str, str], log: Path) -> Iterator[Server]:
    """Serve ``app.py`` from the repository on a free loopback port until the block ends.

    Parameters
    ----------
    env
        Variables added to this process's environment (FRONTLINE_CORPUS and the like).
    log
        File that receives the server's stdout and stderr.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit exited with code {server.process.returncode}:\n"
                        f"{server.log_tail()}")
        try:
            if _local_get(f"{server.url}/_stcore/health", timeout=2).strip() == "ok":
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not answer {server.url}/_stcore/health within "
                f"{SERVER_START_S:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def run_frontline(*args: str, env: dict[str, str]) -> str:
    """Run the ``frontline`` command line (this interpreter's ``geo.cli``) from the repository;
    its output, or a test failure that shows it."""
    done = subprocess.run([sys.executable, "-m", "geo.cli", *args], cwd=REPO,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        pytest.fail(f"frontline {' '.join(args)} exited with {done.returncode}:\n"
                    f"{done.stdout}\n{done.stderr}")
    return done.stdout


def block_outside_requests(page, outside: list[str], requested: list[str] | None = None
                           ) -> None:
    """Let the page reach 127.0.0.1 only; every other request is aborted and listed in
    ``outside``. ``requested`` (if given) lists every URL the page asked for."""

    def route(route) -> None:
        url = route.request.url
        if requested is not None:
            requested.append(url)
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", route)


def pixels(png: bytes) -> np.ndarray:
    """RGB pixels of a PNG screenshot as an (height, width, 3) int array."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def near(image: np.ndarray, rgb: tuple[int, int, int], tolerance: int) -> np.ndarray:
    """Mask of the pixels within ``tolerance`` of ``rgb`` on every channel."""
    return (np.abs(image - np.asarray(rgb, dtype=np.int16)) <= tolerance).all(axis=-1)


def centre(mask: np.ndarray) -> tuple[float, float] | None:
    """Mean (x, y) of the True pixels of a mask; None when there are none."""
    ys, xs = np.nonzero(mask)
    return (float(xs.mean()), float(ys.mean())) if len(xs) else None


def poll(check: Callable[[], bool], *, timeout_s: float, every_s: float = 0.5) -> bool:
    """Call ``check`` until it returns True or ``timeout_s`` passes; the last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every_s)


def stays(check: Callable[[], bool], *, for_s: float, every_s: float = 0.25) -> bool:
    """Whether ``check`` holds on every call during ``for_s`` seconds (False at the first
    call where it does not)."""
    deadline = time.monotonic() + for_s
    while True:
        if not check():
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(every_s)
