"""Benchmark: speed against the hardware limit and against the LangChain pipeline a user would write.

``rag bench`` runs every measured pipeline in its own child process, one after another (two cores:
anything in parallel would measure contention), so each has its own cold start and peak memory:

- ``bandwidth`` (in the parent, first): memory read bandwidth, the bound on decoding speed. Decoding
  one token reads every weight once, so ``tok/s ≤ bandwidth / model bytes``.
- ``retrieval``: index build time (fresh, in a temp folder) and retrieval latency over the eval set.
- ``ours`` per generator: cold start, KV-head warm-up, then each sampled question answered one at a
  time in eval-set order (first-token p50/p90, total, prompt and cached tokens, decode tok/s), then
  the same questions through :meth:`Assistant.answer_batch` (questions/minute).
- ``langchain`` per generator: langchain-community's FAISS store over the same chunks and the same
  embedder, its ``LlamaCpp`` LLM on the same GGUF with the same threads, window, temperature and
  token limit, ``RetrievalQA`` ("stuff") with k = the number of items our prompt holds at most.

Results: one JSON with every per-question row (``eval/bench/bench.json``) and a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .settings import Settings


class BenchError(RuntimeError):
    """A benchmark step failed; the message says which (its log is on stderr above it)."""


LANGCHAIN_HINT = "the LangChain baseline needs the bench extra: pip install -e '.[bench]'"


# ------------------------------------------------------------------------------------- statistics
def pct(values: list[float], q: float) -> float | None:
    v = [x for x in values if x is not None]
    return round(float(np.percentile(v, q)), 4) if v else None


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this process.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -------------------------------------------------------------------------------------- bandwidth
def measure_bandwidth(threads: int, mb: int = 1024, repeats: int = 7) -> dict[str, float]:
    """Read bandwidth in GB/s: the best of ``repeats`` sums over a buffer far larger than the caches,
    with one thread (numpy) and with ``threads`` threads (torch splits the reduction)."""
    a = np.ones(mb * 2**20 // 4, dtype=np.float32)
    best1 = min(_timed(lambda: a.sum()) for _ in range(repeats))
    out = {"buffer_mb": mb, "single_thread_gb_s": round(a.nbytes / best1 / 1e9, 2)}
    try:
        import torch

        torch.set_num_threads(threads)
        t = torch.from_numpy(a)
        best = min(_timed(lambda: t.sum()) for _ in range(repeats))
        out["threads"] = threads
        out["multi_thread_gb_s"] = round(a.nbytes / best / 1e9, 2)
    except ImportError:  # torch comes with sentence-transformers; without it, one thread only
        pass
    out["read_gb_s"] = max(out["single_thread_gb_s"], out.get("multi_thread_gb_s", 0.0))
    return out


def _timed(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------- the questions
@dataclass
class BenchQuestion:
    id: str
    split: str
    question: str


def sample_questions(evalset: Path, n: int) -> list[BenchQuestion]:
    """Every k-th in-scope question of the eval set (FAQ wording and paraphrases alike), so the
    sample is spread over the corpus; out-of-scope ones are refused before generation."""
    recs = [json.loads(line) for line in evalset.read_text(encoding="utf-8").splitlines() if line.strip()]
    in_scope = [r for r in recs if r["split"] != "out_of_scope"]
    step = max(1, len(in_scope) // n)
    return [BenchQuestion(r["id"], r["split"], r["question"]) for r in in_scope[::step][:n]]


# --------------------------------------------------------------------------------- child: retrieval
def child_retrieval(s: Settings, evalset: Path) -> dict[str, Any]:
    from .assistant import Assistant, index_inputs
    from .corpus import load_items
    from .embedding import load_embedder
    from .index import load_or_build

    t0 = time.perf_counter()
    embedder = load_embedder(s)
    load_s = time.perf_counter() - t0
    chunks, digest = index_inputs(s, load_items(s.corpus_dir))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        load_or_build(Path(tmp), chunks, embedder, digest, s.chunk_size, s.chunk_overlap,
                      batch_size=s.embed_batch_size, rebuild=True, progress=False)  # fmt: skip
        build_s = time.perf_counter() - t0
    a = Assistant.load(s, progress=False)
    recs = [json.loads(x) for x in evalset.read_text(encoding="utf-8").splitlines() if x.strip()]
    a.retrieve(recs[0]["question"])  # first query pays for lazy set-up; not a user's latency
    lat = []
    for r in recs:
        t = time.perf_counter()
        a.retrieve(r["question"])
        lat.append(time.perf_counter() - t)
    return {
        "embedder_load_s": round(load_s, 3),
        "index_build_s": round(build_s, 2),
        "chunks": len(chunks),
        "retrieval_n": len(lat),
        "retrieval_s_p50": pct(lat, 50),
        "retrieval_s_p99": pct(lat, 99),
        "peak_rss_mb": peak_rss_mb(),
    }


# -------------------------------------------------------------------------------------- child: ours
def child_ours(s: Settings, questions: list[BenchQuestion]) -> dict[str, Any]:
    from .assistant import Assistant

    t0 = time.perf_counter()
    a = Assistant.load(s, progress=False, load_generator=True)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = a.warm(progress=False)
    warm_s = time.perf_counter() - t0
    rows = []
    for q in questions:
        ans = a.answer(q.question)
        rows.append({"id": q.id, "split": q.split, "mode": ans.mode, **ans.timings.to_dict()})
    t0 = time.perf_counter()
    answers = a.answer_batch([q.question for q in questions], progress=False)
    batch_s = time.perf_counter() - t0
    gen = [r for r in rows if r["first_token_s"] is not None]
    return {
        "cold_start_s": round(load_s, 2),  # corpus + embedder + index + generator (+ head states on disk)
        "warm_up": warm,
        "warm_up_s": round(warm_s, 2),
        **_latency_summary(gen, len(rows)),
        "cached_tokens_p50": pct([r["cached_tokens"] for r in gen], 50),
        "batch_questions": len(answers),
        "batch_s": round(batch_s, 2),
        "batch_q_per_min": round(60 * len(answers) / batch_s, 2),
        "peak_rss_mb": peak_rss_mb(),
        "rows": rows,
    }


def _latency_summary(gen: list[dict[str, Any]], n: int) -> dict[str, Any]:
    return {
        "questions": n,
        "generated": len(gen),
        "first_token_s_p50": pct([r["first_token_s"] for r in gen], 50),
        "first_token_s_p90": pct([r["first_token_s"] for r in gen], 90),
        "total_s_p50": pct([r["total_s"] for r in gen], 50),
        "total_s_p90": pct([r["total_s"] for r in gen], 90),
        "prompt_tokens_p50": pct([r["prompt_tokens"] for r in gen], 50),
        "completion_tokens_p50": pct([r["completion_tokens"] for r in gen], 50),
        "decode_tok_s_p50": pct([r["tokens_per_s"] for r in gen if r["tokens_per_s"]], 50),
    }


# --------------------------------------------------------------------------------- child: langchain
def child_langchain(s: Settings, questions: list[BenchQuestion]) -> dict[str, Any]:
    """The pipeline from LangChain's RAG tutorials, on our models and chunks, with defaults
    elsewhere (its stuff prompt, no chat template, no refusal threshold, no citation checks)."""
    try:
        from langchain_classic.chains import RetrievalQA
        from langchain_community.llms import LlamaCpp
        from langchain_community.vectorstores import FAISS
        from langchain_core.callbacks import BaseCallbackHandler
        from langchain_huggingface import HuggingFaceEmbeddings
    except ImportError as e:
        raise ImportError(LANGCHAIN_HINT) from e

    from .chunking import chunk_items
    from .corpus import load_items
    from .models import resolve

    class FirstToken(BaseCallbackHandler):
        def __init__(self) -> None:
            self.t: float | None = None
            self.n = 0

        def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            if self.t is None:
                self.t = time.perf_counter()
            self.n += 1

    t_start = time.perf_counter()
    emb_path, _ = resolve(s.embedder, "embedder", s.models_dir)
    gen_path, _ = resolve(s.generator, "generator", s.models_dir)
    emb = HuggingFaceEmbeddings(
        model_name=str(emb_path), model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
    )
    chunks = chunk_items(load_items(s.corpus_dir), s.chunk_size, s.chunk_overlap)
    t0 = time.perf_counter()
    texts, meta = [c.embed_text() for c in chunks], [{"label": c.label} for c in chunks]
    store = FAISS.from_texts(texts, emb, metadatas=meta)
    build_s = time.perf_counter() - t0
    llm = LlamaCpp(
        model_path=str(gen_path),
        n_ctx=s.n_ctx,
        n_threads=s.n_threads,
        n_batch=512,
        temperature=s.temperature,
        repeat_penalty=s.repeat_penalty,
        max_tokens=s.max_tokens,
        seed=s.seed,
        streaming=True,
        verbose=False,
    )
    k = s.context_items
    retriever = store.as_retriever(search_kwargs={"k": k})
    qa = RetrievalQA.from_chain_type(llm=llm, chain_type="stuff", retriever=retriever)
    load_s = time.perf_counter() - t_start
    rows = []
    for q in questions:
        cb = FirstToken()
        t0 = time.perf_counter()
        out = qa.invoke({"query": q.question}, config={"callbacks": [cb]})
        total = time.perf_counter() - t0
        text = out["result"]
        n_out = len(llm.client.tokenize(text.encode("utf-8"), add_bos=False)) if text else 0
        first = cb.t - t0 if cb.t is not None else None
        decode = total - first if first is not None else 0
        rows.append({
            "id": q.id, "split": q.split, "first_token_s": round(first, 4) if first is not None else None,
            "total_s": round(total, 4), "prompt_tokens": max(0, llm.client.n_tokens - n_out),
            "completion_tokens": n_out,
            "tokens_per_s": round((n_out - 1) / decode, 3) if n_out > 1 and decode > 0 else None,
            "answer": text,
        })  # fmt: skip
    # LangChain has no batch planning: ``qa.batch`` with one model (max_concurrency 1, as a shared
    # Llama is not thread-safe) is the same sequential calls, so the loop above is its batch.
    batch_s = sum(r["total_s"] for r in rows)
    gen = [r for r in rows if r["first_token_s"] is not None]
    return {
        "cold_start_s": round(load_s, 2),
        "index_build_s": round(build_s, 2),
        "k": k,
        **_latency_summary(gen, len(rows)),
        "batch_questions": len(questions),
        "batch_s": round(batch_s, 2),
        "batch_q_per_min": round(60 * len(questions) / batch_s, 2),
        "peak_rss_mb": peak_rss_mb(),
        "rows": rows,
    }


# ------------------------------------------------------------------------------------------ parent
@dataclass
class BenchPlan:
    generators: list[str]
    langchain: list[str]  # generators to also run through the LangChain pipeline
    n_questions: int = 40
    evalset: Path = Path("eval/evalset.jsonl")
    out: Path = Path("eval/bench/bench.json")
    extra: dict[str, Any] = field(default_factory=dict)


def _run_child(kind: str, s: Settings, plan: BenchPlan, qfile: Path, log: Any) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        out = Path(f.name)
    cmd = [sys.executable, "-m", "rag.bench", kind, str(qfile), str(out), str(plan.evalset)]
    env = {**os.environ, "BENCH_SETTINGS_JSON": s.model_dump_json()}
    print(f"bench: {kind} {s.generator} …", file=log, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=log, stderr=log, check=False)
    if proc.returncode != 0:
        raise BenchError(f"bench child '{kind}' for {s.generator} failed with exit code {proc.returncode}")
    res = json.loads(out.read_text(encoding="utf-8"))
    out.unlink(missing_ok=True)
    res["process_wall_s"] = round(time.perf_counter() - t0, 1)
    return res


def run_bench(s: Settings, plan: BenchPlan, log: Any = sys.stderr) -> dict[str, Any]:
    from .models import resolve

    questions = sample_questions(plan.evalset, plan.n_questions)
    result: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": _machine(),
        "settings": json.loads(s.model_dump_json()),
        "questions": [asdict(q) for q in questions],
    }
    print("bench: memory bandwidth …", file=log, flush=True)
    result["bandwidth"] = bw = measure_bandwidth(s.n_threads)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump([asdict(q) for q in questions], f, ensure_ascii=False)
        qfile = Path(f.name)
    try:
        result["retrieval"] = _run_child("retrieval", s, plan, qfile, log)
        result["generators"] = {}
        for g in plan.generators:
            gs = s.with_overrides(generator=g)
            path, _ = resolve(g, "generator", s.models_dir)
            model_gb = path.stat().st_size / 1e9
            entry: dict[str, Any] = {"model_bytes": path.stat().st_size,
                                     "bound_tok_s": round(bw["read_gb_s"] / model_gb, 2)}  # fmt: skip
            entry["ours"] = _run_child("ours", gs, plan, qfile, log)
            if g in plan.langchain:
                entry["langchain"] = _run_child("langchain", gs, plan, qfile, log)
            _ratios(entry)
            result["generators"][g] = entry
            _write(result, plan.out)  # partial results survive a later failure
    finally:
        qfile.unlink(missing_ok=True)
    _write(result, plan.out)
    return result


def _ratios(e: dict[str, Any]) -> None:
    ours, lc = e["ours"], e.get("langchain")
    dec = ours.get("decode_tok_s_p50")
    e["decode_vs_bound"] = round(dec / e["bound_tok_s"], 3) if dec else None
    if lc:

        def ratio(key: str) -> float | None:
            a, b = ours.get(key), lc.get(key)
            return round(b / a, 2) if a and b else None

        e["langchain_over_ours"] = {
            k: ratio(k) for k in ("first_token_s_p50", "first_token_s_p90", "total_s_p50", "cold_start_s")
        }
        qa, qb = ours.get("batch_q_per_min"), lc.get("batch_q_per_min")
        e["langchain_over_ours"]["batch_q_per_min"] = round(qa / qb, 2) if qa and qb else None


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 0
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": cores, "ram_gib": round(mem, 1), "python": platform.python_version()}


def _write(result: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")


def _f(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    return f"{v:.2f}{unit}" if isinstance(v, float) else f"{v}{unit}"


def markdown(r: dict[str, Any]) -> str:
    m, bw, ret = r["machine"], r["bandwidth"], r.get("retrieval", {})
    lines = [
        f"# Benchmark ({r['created']})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, no GPU. "
        f"Memory read bandwidth {bw['read_gb_s']} GB/s (1 thread {bw['single_thread_gb_s']}, "
        f"{bw.get('threads', 1)} threads {bw.get('multi_thread_gb_s', '—')}).",
        f"Questions: {len(r['questions'])} in-scope eval questions answered one at a time, then as a batch.",
        "",
        f"Index build {_f(ret.get('index_build_s'), ' s')} ({ret.get('chunks')} chunks); retrieval "
        f"p50 {_f(ret.get('retrieval_s_p50'), ' s')}, p99 {_f(ret.get('retrieval_s_p99'), ' s')} "
        f"over {ret.get('retrieval_n')} eval questions.",
        "",
        "| generator | pipeline | first token p50 / p90 | total p50 / p90 | prompt tok p50 (cached) "
        "| decode tok/s (bound, ratio) | cold start | batch q/min | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for g, e in r.get("generators", {}).items():
        for name in ("ours", "langchain"):
            p = e.get(name)
            if not p:
                continue
            cached = f" ({_f(p.get('cached_tokens_p50'))})" if name == "ours" else ""
            dec, bound = p.get("decode_tok_s_p50"), e["bound_tok_s"]
            ratio = f"{bound:.1f}, {dec / bound:.0%}" if dec else f"{bound:.1f}"
            lines.append(
                f"| {g} | {name} | {_f(p['first_token_s_p50'])} / {_f(p['first_token_s_p90'])} s "
                f"| {_f(p['total_s_p50'])} / {_f(p['total_s_p90'])} s | {_f(p['prompt_tokens_p50'])}{cached} "
                f"| {_f(p['decode_tok_s_p50'])} ({ratio}) | {_f(p['cold_start_s'])} s "
                f"| {_f(p['batch_q_per_min'])} | {_f(p['peak_rss_mb'])} MB |"
            )
    lines.append("")
    for g, e in r.get("generators", {}).items():
        if e.get("langchain_over_ours"):
            ro = e["langchain_over_ours"]
            lines.append(
                f"- {g}: LangChain / ours — first token p50 ×{_f(ro['first_token_s_p50'])}, "
                f"p90 ×{_f(ro['first_token_s_p90'])}, total p50 ×{_f(ro['total_s_p50'])}, cold start "
                f"×{_f(ro['cold_start_s'])}; batch throughput ours / LangChain ×{_f(ro['batch_q_per_min'])}."
            )
        if "ours" in e:
            lines.append(f"- {g}: KV head warm-up {e['ours']['warm_up']} in {e['ours']['warm_up_s']} s.")
    return "\n".join(lines) + "\n"


def _child_main(argv: list[str]) -> int:
    kind, qfile, out, evalset = argv
    s = Settings.model_validate_json(os.environ["BENCH_SETTINGS_JSON"])
    qs = [BenchQuestion(**q) for q in json.loads(Path(qfile).read_text(encoding="utf-8"))]
    if kind == "retrieval":
        res = child_retrieval(s, Path(evalset))
    elif kind == "ours":
        res = child_ours(s, qs)
    elif kind == "langchain":
        res = child_langchain(s, qs)
    else:
        raise SystemExit(f"unknown bench child {kind!r}")
    Path(out).write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1:]))
