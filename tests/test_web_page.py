"""The web page for real: `rag serve` with the 0.5B generator, driven by headless Chromium
(Playwright with Debian's chromium) and by gradio_client."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import free_port, running_server

pytestmark = pytest.mark.models

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(assistant, settings, tmp_path_factory):
    """The page, started as a user would (the assistant fixture has built the index it uses), on a
    copy of the corpus: the 资料库 test adds a document to it."""
    port = free_port()
    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    cmd = [sys.executable, "-m", "rag", "serve", "--port", str(port), "--generator", settings.generator,
           "--index-dir", str(settings.index_dir), "--corpus-dir", str(corpus)]  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    with running_server(cmd, url, tmp_path_factory.mktemp("serve") / "serve.log", timeout_s=240):
        yield url


def test_binds_to_loopback_only(server):
    assert server.startswith("http://127.0.0.1:")


def test_api_endpoint_with_gradio_client(server, settings):
    from gradio_client import Client

    client = Client(server, verbose=False)
    history, box, timing = client.predict("出车祸医保报不报？", [], settings.generator, 5, api_name="/ask")
    answer = history[-1]
    text = (
        "".join(p["text"] for p in answer["content"])
        if isinstance(answer["content"], list)
        else answer["content"]
    )
    assert answer["role"] == "assistant"
    assert re.search(r'<a class="cite" href="#src-[^"]+">\[问1[56]\]</a>', text)
    assert (
        '<details id="src-问15" class="source">' in text or '<details id="src-问16" class="source">' in text
    )
    assert "首字" in timing and box == ""


@pytest.fixture(scope="module")
def page(server):
    pw_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required (scripts/test.sh installs it)")
    with pw_sync.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        pg.goto(server)
        pg.wait_for_selector("#question textarea", timeout=60_000)
        yield pg
        browser.close()


def test_browser_asks_streams_and_opens_a_source(page, tmp_path):
    box = page.locator("#question textarea")
    box.fill("出车祸了，医保给报销吗？")
    box.press("Enter")
    # The answer streams in; it is final when the timing panel reports it.
    page.wait_for_function(
        "document.querySelector('#timing') && document.querySelector('#timing').innerText.includes('首字')",
        timeout=300_000,
    )
    cite = page.locator("#chat a.cite").first
    assert re.fullmatch(r"\[问\d+\]", cite.inner_text())
    label = cite.inner_text().strip("[]")
    source = page.locator(f'#chat details.source[id="src-{label}"]').last
    assert source.get_attribute("open") is None
    cite.click()
    opened = f"d => d.id === 'src-{label}' && d.open"
    page.wait_for_function(f"Array.from(document.querySelectorAll('#chat details.source')).some({opened})")
    assert "答：" in source.inner_text() and "湖北省医疗保障政策问答" in source.inner_text()
    # The reply is followed by the quoted evidence, and the opened source highlights those sentences.
    quotes = page.locator("#chat blockquote.evidence").filter(has_text=f"[{label}]")
    assert quotes.count() >= 1
    marked = source.locator("mark")
    # The quote is the marked sentence, a story character's name shown as "〔参保人〕".
    quote = quotes.first.inner_text().split(" ", 1)[-1].strip()
    pattern = re.escape(quote).replace(re.escape("〔参保人〕"), ".{2,4}")
    assert marked.count() >= 1 and any(
        re.fullmatch(pattern, marked.nth(i).inner_text()) for i in range(marked.count())
    ), (quote, [marked.nth(i).inner_text() for i in range(marked.count())])
    # RAG_SCREENSHOT=docs/screenshot.png refreshes the README's picture.
    page.screenshot(path=os.environ.get("RAG_SCREENSHOT") or str(tmp_path / "page.png"))


def test_browser_empty_question_gets_a_polite_message(page):
    box = page.locator("#question textarea")
    box.fill("   ")
    box.press("Enter")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#chat .refusal'))"
        ".some(e => e.innerText.includes('问题是空的'))",
        timeout=60_000,
    )
    # The page keeps working after it.
    assert page.locator("#question textarea").is_editable()


def test_eight_simultaneous_users_all_get_answers(server, settings):
    """Requests queue for the one model instead of crashing or interleaving."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    questions = [
        "社保卡丢了怎么报销？",
        "男的也要交生育保险吗？",
        "今天天气怎么样？",
        "转诊证明怎么开？",
        "医保电子凭证怎么激活？",
        "举报骗保有奖励吗？",
        "",
        "What is medical insurance?",
    ]

    def ask(q: str) -> str:
        client = Client(server, verbose=False)
        history, _, _ = client.predict(q, [], settings.generator, 3, api_name="/ask")
        content = history[-1]["content"]
        return "".join(p["text"] for p in content) if isinstance(content, list) else content

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, questions))
    assert all(a and "⏳" not in a for a in answers)
    assert "问题是空的" in answers[6]
    assert "可能相关" in answers[2]  # out of scope: refused
    assert "[问" in answers[0] or "[异地就医" in answers[0]


def test_library_tab_previews_adds_and_answers_from_a_new_document(page, server, settings, tmp_path):
    """Runs last in this module: it changes the served corpus."""
    from gradio_client import Client

    page.get_by_role("tab", name="资料库").click()
    page.wait_for_selector("#doc-table", timeout=30_000)
    assert "hubei-faq" in page.locator("#doc-table").inner_text()
    doc = tmp_path / "某市医保问答.md"
    doc.write_text(
        "# 某市医保问答\n\n## 医保卡借给亲戚用可以吗？\n\n不可以。医保卡只限本人使用，出借属于违规行为。\n\n"
        "## 新生儿什么时候能参保？\n\n新生儿出生后90天内可以办理参保登记。\n",
        encoding="utf-8",
    )
    page.locator("#doc-file input[type=file]").set_input_files(str(doc))
    page.locator("#doc-label textarea, #doc-label input").first.fill("某市")
    page.locator("#doc-preview").click()
    status = page.locator("#library-status")
    page.wait_for_function(
        "document.querySelector('#library-status').innerText.includes('确认无误')", timeout=60_000
    )
    assert "2 条" in status.inner_text() and "新生儿什么时候能参保" in status.inner_text()
    page.locator("#doc-add").click()
    page.wait_for_function(
        "document.querySelector('#library-status').innerText.includes('已加入')", timeout=300_000
    )
    assert "某市" in page.locator("#doc-table").inner_text()
    client = Client(server, verbose=False)
    history, _, _ = client.predict(
        "新生儿出生后多久内要办医保参保？", [], settings.generator, 3, api_name="/ask"
    )
    content = history[-1]["content"]
    text = "".join(p["text"] for p in content) if isinstance(content, list) else content
    assert "[某市·问2]" in text or "某市·问2" in text, text
