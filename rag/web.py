"""The Gradio chat page: a thin layer over :class:`Assistant` objects that share one index/embedder.

Answers stream sentence by sentence (already validated, see rag.citations); each citation in the
text links to a collapsible source block under the answer with the cited question, the full
original answer, the document and the section. Requests queue one at a time: one ``Llama`` per
generator, and two cores cannot serve two generations faster than one after the other.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .assistant import Assistant, QuestionError
from .corpus import DOC_TITLES
from .generation import GeneratorError
from .models import provisioned
from .records import Answer
from .settings import ROOT, Settings

EXAMPLES = [
    "老板不给我交医保，多发工资行吗？",
    "出车祸了医保能报销吗？",
    "社保卡丢了，看病的钱怎么报销？",
    "异地就医备案后信息变了怎么办？",
]
BUSY = "⏳ 正在检索资料并生成回答…（同一时间只回答一个问题，其他提问会排队）"
CSS = """
.refusal {border-left: 4px solid #d97706; padding: 6px 10px; background: #fffbeb; color: #78350f}
.notice {color: #6b7280; font-size: 0.85em}
.sources details {border: 1px solid #e5e7eb; border-radius: 6px; padding: 4px 8px; margin: 4px 0}
blockquote.evidence {border-left: 3px solid #9ca3af; margin: 4px 0; padding: 2px 8px; color: #374151}
mark {background: #fef08a}
"""

# Clicking a citation opens its source block (a plain #anchor would only scroll to it, closed).
HEAD = """<script>
document.addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest("a.cite");
  if (!a) return;
  const id = decodeURIComponent(a.getAttribute("href").slice(1));
  // The nearest block with that id: the one under the same answer.
  let node = a.parentElement, d = null;
  while (node && !d) {
    d = Array.from(node.querySelectorAll("details.source")).find((x) => x.id === id);
    node = node.parentElement;
  }
  if (d) { e.preventDefault(); d.open = true; d.scrollIntoView({block: "nearest"}); }
});
</script>"""


def _anchor(label: str) -> str:
    return "src-" + re.sub(r"\W", "-", label)


def link_citations(text: str) -> str:
    """[问12] → a link to the source block of 问12 (HTML-escaped text otherwise)."""
    escaped = html.escape(text)
    return re.sub(
        r"\[([^\[\]]{1,24})\]",
        lambda m: f'<a class="cite" href="#{_anchor(m.group(1))}">[{m.group(1)}]</a>',
        escaped,
    )


def highlight(text: str, sentences: tuple[str, ...]) -> str:
    """The source text, HTML-escaped, with the quoted sentences marked."""
    out = html.escape(text)
    for sentence in sentences:
        esc = html.escape(sentence)
        out = out.replace(esc, f"<mark>{esc}</mark>", 1)
    return out


def render_answer(ans: Answer, sections: dict[str, tuple[str, str]] | None = None) -> str:
    """The reply with linked citations, the evidence it rests on (quoted), the region note, the
    source blocks (the quoted sentences highlighted) and user-facing notes."""
    sections = sections or {}
    main, _, note = ans.text.partition("\n\n注意：")
    if ans.evidence:
        main = ans.body
    body = link_citations(main)
    if ans.refused:
        body = f'<div class="refusal">⚠️ {body}</div>'
    quotes = "".join(
        f'<blockquote class="evidence">{link_citations(f"[{e.label}]")} {html.escape(e.text)}</blockquote>'
        for e in ans.evidence
    )
    evidence = f'<div class="evidence-block"><p><b>依据（原文）</b></p>{quotes}</div>' if quotes else ""
    region = f'<p class="notice">注意：{link_citations(note)}</p>' if note else ""
    blocks = []
    for c in ans.citations:
        doc, section = sections.get(c.label, (DOC_TITLES.get(c.source, c.source), ""))
        where = html.escape(doc + (f" · {section}" if section else ""))
        title = html.escape(c.question)
        blocks.append(
            f'<details id="{_anchor(c.label)}" class="source"><summary>[{html.escape(c.label)}] {title}'
            f"</summary><p><small>{where}</small></p><p><b>问：</b>{title}</p>"
            f"<p><b>答：</b>{highlight(c.text, c.sentences)}</p></details>"
        )
    sources = f'<div class="sources"><p><b>来源</b></p>{"".join(blocks)}</div>' if blocks else ""
    # Only the notes written for people (Chinese) are shown; the rest are for logs and evals.
    notes = [n for n in ans.notes if re.match(r"[\u4e00-\u9fff]", n)]
    notice = "".join(f'<p class="notice">{html.escape(n)}</p>' for n in notes)
    return f"{body}\n\n{evidence}{region}{sources}{notice}"


def timing_text(ans: Answer, generator: str) -> str:
    t = ans.timings
    first = f"{t.first_token_s:.1f} 秒" if t.first_token_s is not None else "—（未调用模型）"
    speed = f"{t.tokens_per_s:.1f} token/秒" if t.tokens_per_s else "—"
    return (
        f"**上一个回答**：{ans.mode} · 模型 `{generator}`  \n检索 {t.retrieval_s:.2f} 秒 · 首字 {first} · "
        f"总计 {t.total_s:.1f} 秒 · 提示 {t.prompt_tokens} token（{t.cached_tokens} 个来自缓存）· "
        f"生成 {t.completion_tokens} token · {speed}"
    )


class Service:
    """The assistants behind the page: one per generator, all sharing the first one's index."""

    def __init__(self, base: Assistant) -> None:
        self.base = base
        self.assistants = {base.settings.generator: base}
        self.sections = {it.label: (it.doc_title, it.section) for it in base.items}

    def generators(self) -> list[str]:
        names = provisioned("generator", self.base.settings.models_dir)
        return names if self.base.settings.generator in names else [self.base.settings.generator, *names]

    def get(self, generator: str) -> Assistant:
        if generator not in self.assistants:
            b = self.base
            settings = b.settings.with_overrides(generator=generator)
            self.assistants[generator] = Assistant(settings, b.items, b.index, b.retriever.embedder)
        return self.assistants[generator]


def _user_questions(history: list[dict[str, Any]]) -> list[str]:
    out = []
    for m in history:
        if m.get("role") != "user":
            continue
        content = m.get("content")
        if isinstance(content, list):  # Gradio 6 stores content as a list of parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        out.append(str(content))
    return out


def eval_overview(eval_dir: Path) -> tuple[str, str | None]:
    """Markdown of the newest comparison report (or the run list) and its chart, for the eval tab."""
    reports = sorted((eval_dir / "reports").glob("compare-*.md"), key=lambda p: p.stat().st_mtime)
    if reports:
        md = reports[-1].read_text(encoding="utf-8")
        png = reports[-1].with_suffix(".png")
        md = re.sub(r"!\[chart\]\([^)]*\)\n?", "", md)
        return md, str(png) if png.exists() else None
    runs = sorted((eval_dir / "runs").glob("*.json"))
    if not runs:
        return "还没有评测结果：运行 `rag eval run` 和 `rag eval compare`。", None
    lines = ["| run | key_point_recall | oos_refusal_rate | fabricated |", "|---|---|---|---|"]
    for p in runs:
        a = json.loads(p.read_text(encoding="utf-8"))["aggregate"]
        lines.append(f"| {p.stem} | {a['key_point_recall']:.3f} | {a['oos_refusal_rate']:.3f} | "
                     f"{a['fabricated_citations']} |")  # fmt: skip
    return "\n".join(lines), None


def build_app(service: Service) -> Any:
    import gradio as gr

    def respond(
        message: str, history: list[dict[str, Any]], generator: str, k: float
    ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
        history = list(history or [])
        earlier = _user_questions(history)
        history.append({"role": "user", "content": message})
        assistant = service.get(generator)
        try:
            stream = assistant.stream(message, k=int(k), history=earlier)
        except QuestionError as e:
            history.append(
                {"role": "assistant", "content": f'<div class="refusal">⚠️ {html.escape(str(e))}</div>'}
            )
            yield history, "", gr.skip()
            return
        history.append({"role": "assistant", "content": BUSY})
        yield history, "", gr.skip()
        shown = ""
        try:
            for piece in stream:
                shown += piece
                history[-1] = {"role": "assistant", "content": link_citations(shown)}
                yield history, "", gr.skip()
        except GeneratorError as e:
            warning = (
                f'<div class="refusal">⚠️ 生成模型暂时不可用，请稍后再试。（{html.escape(str(e))}）</div>'
            )
            history[-1] = {"role": "assistant", "content": warning}
            yield history, "", gr.skip()
            return
        assert stream.answer is not None
        history[-1] = {"role": "assistant", "content": render_answer(stream.answer, service.sections)}
        yield history, "", timing_text(stream.answer, generator)

    gens = service.generators()
    with gr.Blocks(title="医保问答助手") as demo:
        gr.Markdown(
            "## 医保问答助手\n根据《湖北省医疗保障政策问答》和一份跨省异地就医问答回答问题，每句话注明出处"
            "（点击 [问N] 查看原文）。资料没有覆盖的问题会直接说明，不作推测。"
        )
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(height=540, label="对话", sanitize_html=False, elem_id="chat")
                    box = gr.Textbox(
                        placeholder="请输入您的医保问题，例如：老板不给我交医保行吗？（回车发送）",
                        label="问题",
                        elem_id="question",
                        max_length=20_000,
                    )
                    with gr.Row():
                        send = gr.Button("发送", variant="primary", elem_id="send")
                        clear = gr.Button("清空对话")
                    gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                with gr.Column(scale=1):
                    generator = gr.Dropdown(gens, value=service.base.settings.generator, label="生成模型")
                    k = gr.Slider(1, 10, value=service.base.settings.top_k, step=1, label="检索来源数")
                    timing = gr.Markdown("上一个回答的耗时会显示在这里。", elem_id="timing")
        with gr.Tab("评测结果"):
            md, png = eval_overview(ROOT / "eval")
            gr.Markdown(md)
            if png:
                gr.Image(png, label="模型版本对比", show_label=True)
        inputs = [box, chat, generator, k]
        outputs = [chat, box, timing]
        box.submit(respond, inputs, outputs, api_name="ask", concurrency_limit=1, concurrency_id="llm")
        send.click(
            respond, inputs, outputs, api_visibility="private", concurrency_limit=1, concurrency_id="llm"
        )
        clear.click(lambda: [], None, chat, api_visibility="private")
    demo.queue(default_concurrency_limit=1, max_size=64)
    return demo


def serve(settings: Settings, host: str | None = None, port: int | None = None, share: bool = False) -> None:
    assistant = Assistant.load(settings, load_generator=True)
    if settings.warm_on_start:
        # Head states missing from disk are computed between questions (the generator lock is
        # taken per head), so the first question about each item is as fast as the next.
        threading.Thread(target=assistant.warm, kwargs={"progress": False}, daemon=True, name="warm").start()
    app = build_app(Service(assistant))
    app.launch(
        server_name=host or os.environ.get("RAG_HOST", "127.0.0.1"),
        server_port=port or int(os.environ.get("RAG_PORT", "7860")),
        share=share,
        css=CSS,
        head=HEAD,
    )
