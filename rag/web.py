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
    # Region notes close an answer, or each ask's part of one (rag.assistant.joined_answer).
    found = re.findall(r"\n\n注意：([^\n]*)", ans.text)
    main = re.sub(r"\n\n注意：[^\n]*", "", ans.text)
    if ans.evidence:
        main = ans.body
    body = link_citations(main)
    if ans.refused:
        body = f'<div class="refusal">⚠️ {body}</div>'
    quotes = "".join(
        f'<blockquote class="evidence">{link_citations(f"[{e.label}]")} {html.escape(e.shown or e.text)}'
        "</blockquote>"
        for e in ans.evidence
    )
    # A refusal's quotes are the closest sentences, for the asker to judge: nothing rests on them.
    heading = "最接近的原文" if ans.refused else "依据（原文）"
    evidence = f'<div class="evidence-block"><p><b>{heading}</b></p>{quotes}</div>' if quotes else ""
    region = "".join(f'<p class="notice">注意：{link_citations(n)}</p>' for n in dict.fromkeys(found))
    blocks = []
    for c in ans.citations:
        doc, section = sections.get(c.label, (c.source, ""))
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
        self._use(base)
        self.lock = threading.Lock()  # one corpus change at a time

    def _use(self, base: Assistant) -> None:
        self.base = base
        self.assistants = {base.settings.generator: base}
        self.sections = {it.label: (it.doc_title, it.section) for it in base.items}

    def reload(self) -> str:
        """After a corpus change: the same models over the new items (questions already being
        answered finish on the old ones)."""
        fresh = self.base.refreshed()
        dropped = fresh.prune_heads()  # KV states of heads whose items are gone or changed
        self._use(fresh)
        return f"{fresh.index_status}; {dropped} cached prompt heads dropped"

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


def documents_table(service: Service) -> list[list[str]]:
    from .documents import library, manifest

    rows = []
    corpus = service.base.settings.corpus_dir
    counts: dict[str, int] = {}
    for it in service.base.items:
        counts[it.source] = counts.get(it.source, 0) + 1
    for e in manifest.read(corpus).documents:
        warnings = ""
        if e.id not in counts:  # listed but not loaded yet (added by hand since the start)
            try:
                counts[e.id] = len(library.parse_entry(e, corpus).items)
            except ValueError as err:
                warnings = str(err)
        rows.append([e.id, e.title, e.label or "—", e.region or "全国", str(counts.get(e.id, 0)), e.file,
                     e.added, warnings])  # fmt: skip
    return rows


def parsed_markdown(parsed: Any) -> str:
    """The items of a parsed document as a person checks them before they go live."""
    e = parsed.entry
    lines = [f"**《{html.escape(e.title)}》**：{len(parsed.items)} 条（结构：{parsed.report.structure}），"
             f"引用为 [{html.escape(parsed.items[0].label)}] 这样的标签。", "",
             "| 标签 | 问题 | 回答开头 |", "|---|---|---|"]  # fmt: skip
    for it in parsed.items[:200]:
        answer = it.answer.replace("\n", " ")[:60]
        cells = [f"[{it.label}]", it.question[:60], answer]
        lines.append("| " + " | ".join(html.escape(c).replace("|", "｜") for c in cells) + " |")
    if len(parsed.items) > 200:
        lines.append(f"\n… 另有 {len(parsed.items) - 200} 条")
    lines += [f"\n- ⚠️ {html.escape(w)}" for w in parsed.report.warnings[:20]]
    return "\n".join(lines)


def may_edit(service: Service, host: str | None, token: str) -> bool:
    """Who may change the corpus: with an admin token configured, whoever gives it (behind a reverse
    proxy every request comes from loopback, so then loopback alone is not enough); without one,
    only the machine itself."""
    configured = service.base.settings.admin_token
    if configured:
        return token == configured
    return host in ("127.0.0.1", "::1", "localhost")


def library_tab(service: Service) -> None:
    """资料库: the documents answered from; a file is previewed (its items as parsed) before it is added."""
    import gradio as gr

    from .documents import library
    from .documents.blocks import DocumentError

    headers = ["id", "标题", "引用前缀", "地区", "条目数", "文件", "加入日期", "问题"]
    table = gr.Dataframe(
        documents_table(service),
        headers=headers,
        label="资料库中的文件",
        interactive=False,
        elem_id="doc-table",
    )
    with gr.Row():
        upload = gr.File(
            label="加入文件（txt、md、html、pdf、docx、csv、xlsx）", type="filepath", elem_id="doc-file"
        )
        with gr.Column():
            title = gr.Textbox(label="标题（默认取文件中的标题或文件名）")
            label = gr.Textbox(label="引用前缀（如 穗医保 → [穗医保·问3]）", elem_id="doc-label")
            region = gr.Textbox(label="地区（如 广东省；全国性文件留空）", elem_id="doc-region")
            token = gr.Textbox(label="管理口令（本机访问时不需要）", type="password")
    with gr.Row():
        preview_btn = gr.Button("预览条目", elem_id="doc-preview")
        add_btn = gr.Button("确认加入", variant="primary", elem_id="doc-add")
        remove_id = gr.Textbox(label="要删除的文件 id")
        remove_btn = gr.Button("删除", variant="stop")
    status = gr.Markdown(elem_id="library-status")

    def options(path: str | None, t: str, lb: str, rg: str) -> tuple[Path, dict[str, Any]]:
        if not path:
            raise DocumentError("not_found", "请先选择一个文件")
        src = Path(path)
        max_bytes = int(service.base.settings.max_document_mb * 2**20)
        return src, {"title": t.strip(), "label": lb.strip(), "region": rg.strip(), "max_bytes": max_bytes}

    def guarded(request: gr.Request, tok: str) -> None:
        host = request.client.host if request and request.client else None
        if not may_edit(service, host, tok):
            raise DocumentError("not_found", f"只有本机或持有管理口令的用户可以修改资料库（请求来自 {host}）")

    def preview(path: str | None, t: str, lb: str, rg: str, tok: str, request: gr.Request) -> str:
        try:
            guarded(request, tok)
            src, kw = options(path, t, lb, rg)
            return parsed_markdown(library.preview(service.base.settings.corpus_dir, src, **kw)) + (
                "\n\n确认无误后点“确认加入”。"
            )
        except DocumentError as e:
            return f"⚠️ {html.escape(str(e))}"

    def add(path: str | None, t: str, lb: str, rg: str, tok: str, request: gr.Request) -> tuple[Any, str]:
        try:
            guarded(request, tok)
            src, kw = options(path, t, lb, rg)
            with service.lock:
                parsed = library.add(service.base.settings.corpus_dir, src, **kw)
                how = service.reload()
            return documents_table(service), f"✅ 已加入 {len(parsed.items)} 条，现在就可以提问。（{how}）"
        except DocumentError as e:
            return gr.skip(), f"⚠️ {html.escape(str(e))}"

    def remove(doc: str, tok: str, request: gr.Request) -> tuple[Any, str]:
        try:
            guarded(request, tok)
            with service.lock:
                entry = library.remove(service.base.settings.corpus_dir, doc.strip())
                how = service.reload()
            return documents_table(service), f"已删除 {html.escape(entry.title)}。（{how}）"
        except DocumentError as e:
            return gr.skip(), f"⚠️ {html.escape(str(e))}"

    # Gradio passes the request to a parameter annotated gr.Request; this module's annotations are
    # strings (from __future__) naming a locally imported gr, so they are given as objects here.
    for handler in (preview, add, remove):
        handler.__annotations__["request"] = gr.Request
    inputs = [upload, title, label, region, token]
    preview_btn.click(preview, inputs, status, api_visibility="private")
    add_btn.click(add, inputs, [table, status], api_visibility="private", concurrency_id="llm")
    remove_btn.click(
        remove, [remove_id, token], [table, status], api_visibility="private", concurrency_id="llm"
    )


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
            "## 医保问答助手\n根据资料库中的医保文件回答问题，每句话注明出处"
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
        with gr.Tab("资料库"):
            library_tab(service)
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
