"""Shared fixtures. Tests marked ``models`` use the real provisioned models (EmbeddingGemma and the
small Qwen2.5-Coder-0.5B generator); scripts/test.sh provisions them first."""

from __future__ import annotations

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
