"""A real siren-server on loopback for the tests: `--port 0 --port-file`, a private data directory.

Started as tests/e2e/e2e_fixture.cpp does: wait for the port file (the server writes it once it
listens), fail with the server's log if it exits first; stopped with SIGTERM (it drains).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import List, Optional, Sequence


class ServerProcess:
    """One siren-server process; ``address`` is ``127.0.0.1:PORT`` once :meth:`start` returns."""

    def __init__(self, binary: Path, directory: Path, extra_args: Sequence[str] = (), workers: int = 2,
                 port: int = 0) -> None:
        """``port`` 0: a free one the server picks (a fixed one survives a restart)."""
        self.requested_port = port
        self.binary = Path(binary)
        self.directory = Path(directory)
        self.extra_args = list(extra_args)
        self.workers = workers
        self.address = ""
        self.port = 0
        self._process: Optional[subprocess.Popen[bytes]] = None
        self.log_path = self.directory / "server.log"

    def start(self, host: str = "127.0.0.1", timeout: float = 60.0) -> "ServerProcess":
        self.directory.mkdir(parents=True, exist_ok=True)
        port_file = self.directory / "port"
        if port_file.exists():
            port_file.unlink()
        argv: List[str] = [
            str(self.binary), "--host", host, "--port", str(self.requested_port), "--port-file", str(port_file),
            "--data-dir", str(self.directory / "data"), "--workers", str(self.workers),
            "--threads", "2", "--log-level", "warn", *self.extra_args,
        ]
        log = open(self.log_path, "ab")
        self._process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text:
                self.port = int(text)
                self.address = f"127.0.0.1:{self.port}"
                return self
            if self._process.poll() is not None:
                raise RuntimeError(f"siren-server exited early ({self._process.returncode}):\n{self.log()}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"siren-server wrote no port file in {timeout:g} s:\n{self.log()}")

    def stop(self, timeout: float = 30.0) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)  # drains: no fit is left behind
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise RuntimeError(f"siren-server did not stop on SIGTERM in {timeout:g} s:\n{self.log()}")

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-20000:]
        except OSError:
            return "(no log)"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_binary(env_name: str, *relative: str) -> Optional[Path]:
    """$ENV_NAME, else the path under the repository's build/ directory; None if neither exists."""
    if os.environ.get(env_name):
        return Path(os.environ[env_name])
    build = Path(os.environ.get("SIREN_BUILD_DIR", Path(__file__).resolve().parents[3] / "build"))
    candidate = build.joinpath(*relative)
    return candidate if candidate.exists() else None
