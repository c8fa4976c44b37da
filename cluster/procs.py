"""Starting and stopping the cluster's processes: each one in a process group of its own, its
output in a log file, and every one of them stopped when the run ends, whatever happens."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} at start")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def wait_for_health(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


class Processes:
    """The processes of one run, by name."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}
        self.exit_codes: dict[str, list[int]] = {}

    def start(self, name: str, argv: list[str], env: dict, cwd: Path) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (the child writes to it)
        try:
            process = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with its children
            )
        finally:
            log.close()
        self.running[name] = process
        return process

    def send(self, name: str, number: int) -> None:
        process = self.running[name]
        if process.poll() is None:
            os.killpg(process.pid, number)

    def stop(self, name: str, number: int | None = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send `number` to the process (and its group; None: it was sent already); wait, then
        kill what is left."""
        process = self.running.pop(name)
        if process.poll() is None:
            if number is not None:
                os.killpg(process.pid, number)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        _kill_group_leftovers(process.pid)
        self.exit_codes.setdefault(name, []).append(process.returncode)
        return process.returncode

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            try:
                self.stop(name, timeout=10.0)
            except (OSError, subprocess.SubprocessError) as error:
                print(f"!! could not stop {name}: {error}", flush=True)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _kill_group_leftovers(group: int) -> None:
    """A child of the group may outlive its leader (e.g. a gunicorn worker): end it too."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
