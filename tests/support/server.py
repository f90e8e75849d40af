"""Start real ``drydock serve`` processes for end-to-end tests and talk to them over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ADMIN_PASSWORD = "foobar-admin-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    services: str
    admin_password: str = ADMIN_PASSWORD
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, user: str = "admin", password: str | None = None, **kw: object) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            auth=(user, password or self.admin_password),
            timeout=30.0,
            **kw,  # type: ignore[arg-type]
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_server(
    tmp: Path,
    database_url: str,
    *,
    services: str = "all",
    extra_env: dict[str, str] | None = None,
    host_id: str | None = None,
    wait: float = 60.0,
) -> ServerProcess:
    """Start ``drydock serve`` on a free loopback port and wait until /health answers."""
    port = free_port()
    data_dir = tmp / f"data-{port}"
    log_path = tmp / f"server-{port}.log"
    env = {
        **os.environ,
        "DRYDOCK_DATA_DIR": str(data_dir),
        "DRYDOCK_DATABASE_URL": database_url,
        "DRYDOCK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "DRYDOCK_HOST": "127.0.0.1",
        "DRYDOCK_PORT": str(port),
        "DRYDOCK_SERVICES": services,
        "DRYDOCK_TIMERS__HEARTBEAT_SECONDS": "1",
        "DRYDOCK_TIMERS__ACCOUNT_CLEANUP_SECONDS": "1",
        "DRYDOCK_LOG_LEVEL": "INFO",
        **({"DRYDOCK_HOST_ID": host_id} if host_id else {}),
        **(extra_env or {}),
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "drydock", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = ServerProcess(proc=proc, port=port, log_path=log_path, services=services, env=env)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"drydock serve exited with {proc.returncode}:\n{server.log()[-4000:]}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop(signal.SIGKILL)
    raise RuntimeError(f"drydock serve did not become healthy in {wait}s:\n{server.log()[-4000:]}")
