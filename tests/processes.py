"""Helpers for tests that start real processes (servers, the scheduler, an OpenID
provider): a free port, starting with the output kept in a file, waiting for an address
to answer, and stopping what was started."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Started:
    """A process we started, its output (stdout and stderr) going to ``log``."""

    def __init__(self, command: list[str], log: Path, **options):
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own commands
                command, stdout=output, stderr=subprocess.STDOUT, **options)

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60) -> None:
        """Wait until the process has written ``text``; fail if it exits first."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, f"exited: {self.output()[-4000:]}"
            assert time.monotonic() < deadline, f"no {text!r} in: {self.output()[-4000:]}"
            time.sleep(0.2)

    def wait_until_answering(self, url: str, timeout: float = 60) -> None:
        """Wait until ``url`` answers at all (any HTTP status); fail with the process's
        output when it exits first or the time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server
                    return
            except urllib.error.HTTPError:
                return
            except OSError:   # refused, reset or no answer yet: still starting
                assert self.process.poll() is None, f"exited: {self.output()[-4000:]}"
                assert time.monotonic() < deadline, f"{url} silent: {self.output()[-4000:]}"
                time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET ``url``: the status, the headers and the body (also for 4xx and 5xx)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
