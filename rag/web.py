"""The Gradio chat page: a thin layer over one shared :class:`Assistant`.

Answers stream sentence by sentence (already validated, see rag.citations); each citation in the
text links to its source block below the answer, which shows the cited question and the full
original answer. Requests queue one at a time because one ``Llama`` serves them all.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from typing import Any

from .assistant import Assistant, QuestionError
from .records import Answer
from .settings import Settings

EXAMPLES = [
    "老板不给我交医保，多发工资行吗？",
    "出车祸了医保能报销吗？",
    "社保卡丢了，看病的钱怎么报销？",
    "异地就医备案后信息变了怎么办？",
]
BUSY = "（正在排队：助手一次回答一个问题，请稍候…）"


def _anchor(label: str) -> str:
    return "src-" + re.sub(r"\W", "-", label)


def link_citations(text: str) -> str:
    """[问12] → a link to the source block of 问12 (HTML-escaped text otherwise)."""
    escaped = html.escape(text)
    return re.sub(
        r"\[([^\[\]]{1,24})\]", lambda m: f'<a href="#{_anchor(m.group(1))}">[{m.group(1)}]</a>', escaped
    )


def render_answer(ans: Answer) -> str:
    body = link_citations(ans.text)
    if ans.refused:
        body = f'<div class="refusal">⚠️ {body}</div>'
    blocks = []
    for c in ans.citations:
        item_title = html.escape(c.question)
        blocks.append(
            f'<details id="{_anchor(c.label)}"><summary>[{html.escape(c.label)}] {item_title}</summary>'
            f"<p><b>问：</b>{item_title}</p><p><b>答：</b>{html.escape(c.text)}</p></details>"
        )
    t = ans.timings
    first = f"{t.first_token_s:.1f}s" if t.first_token_s is not None else "—"
    timing = f"<small>检索 {t.retrieval_s:.2f}s · 首字 {first} · 总计 {t.total_s:.1f}s · {ans.mode}</small>"
    sources = ("<p><b>来源</b></p>" + "".join(blocks)) if blocks else ""
    return f"{body}\n\n{sources}\n\n{timing}"


def build_app(assistant: Assistant) -> Any:
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        history = list(history or [])
        history.append({"role": "user", "content": message})
        try:
            stream = assistant.stream(message)
        except QuestionError as e:
            history.append({"role": "assistant", "content": f"⚠️ {e}"})
            yield history
            return
        shown = ""
        history.append({"role": "assistant", "content": BUSY})
        yield history
        for piece in stream:
            shown += piece
            history[-1] = {"role": "assistant", "content": link_citations(shown)}
            yield history
        assert stream.answer is not None
        history[-1] = {"role": "assistant", "content": render_answer(stream.answer)}
        yield history

    css = ".refusal{border-left:4px solid #d97706;padding-left:8px;background:#fffbeb}"
    with gr.Blocks(title="医保问答助手") as demo:
        gr.Markdown(
            "## 医保问答助手\n根据湖北省医疗保障政策问答和跨省异地就医问答回答问题，每句话注明出处；"
            "资料没有覆盖的问题会直接说明。"
        )
        chat = gr.Chatbot(height=520, label="对话", sanitize_html=False)
        box = gr.Textbox(placeholder="请输入您的医保问题，例如：老板不给我交医保行吗？", label="问题")
        gr.Examples(EXAMPLES, inputs=box)
        box.submit(respond, [box, chat], chat, api_name="ask", concurrency_limit=1).then(
            lambda: "", None, box
        )
    demo.queue(default_concurrency_limit=1, max_size=32)
    demo.css = css
    return demo


def serve(settings: Settings, host: str | None = None, port: int | None = None, share: bool = False) -> None:
    assistant = Assistant.load(settings, load_generator=True)
    app = build_app(assistant)
    app.launch(
        server_name=host or os.environ.get("RAG_HOST", "127.0.0.1"),
        server_port=port or int(os.environ.get("RAG_PORT", "7860")),
        share=share,
    )
