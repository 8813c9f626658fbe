"""The preview: starting and stopping ``mkdocs serve`` as `make serve` does."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path


def serve_flags(makefile: Path) -> list[str]:
    """The flags `make serve` gives `mkdocs serve`, read from the Makefile's SERVE_FLAGS line."""
    for text in makefile.read_text(encoding="utf-8").splitlines():
        name, _, value = text.partition(":=")
        if name.strip() == "SERVE_FLAGS":
            return value.split()
    raise ValueError(f"{makefile} has no SERVE_FLAGS line")


def serve_command(makefile: Path, port: int) -> list[str]:
    """`make serve`'s command, run with this Python, on ``port`` of 127.0.0.1."""
    return [sys.executable, "-m", "mkdocs", "serve", *serve_flags(makefile), "--dev-addr", f"127.0.0.1:{port}"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server: asked first, then made to, if it has not gone within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
