"""Shared fixtures. Tests marked ``models`` use the real provisioned models (EmbeddingGemma and the
small Qwen2.5-Coder-0.5B generator); scripts/test.sh provisions them first."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag import Assistant, Settings
from rag.records import Hit

ROOT = Path(__file__).resolve().parent.parent
TEST_GENERATOR = "qwen2.5-coder-0.5b"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # A private index dir: tests never touch (or depend on) the user's index.
    return Settings(index_dir=tmp_path_factory.mktemp("index") / "index", generator=TEST_GENERATOR)


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    return Assistant.load(settings, progress=False)


def make_hit(label: str, text: str, qid: str | None = None, question: str = "", dense: float = 0.7) -> Hit:
    source = "yidi-web" if label.startswith("异地就医") else "hubei-faq"
    return Hit(
        source=source,
        qid=qid or label.removeprefix("异地就医·").removeprefix("问"),
        label=label,
        question=question or f"{label}的问题",
        section="",
        text=text,
        score=0.03,
        dense=dense,
        bm25=1.0,
        full_text=text,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(cmd: list[str], probe_url: str, log: Path, timeout_s: float) -> Iterator[None]:
    """Start a server process (output to a log file: an unread pipe fills up and blocks it), wait
    until ``probe_url`` answers, stop it afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + timeout_s
            while True:
                try:
                    urllib.request.urlopen(probe_url, timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None:
                        pytest.fail(f"{cmd[:4]} exited: {log.read_text()[-3000:]}")
                    if time.time() > deadline:
                        pytest.fail(f"{cmd[:4]} did not start in {timeout_s} s: {log.read_text()[-3000:]}")
                    time.sleep(1)
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=30)
