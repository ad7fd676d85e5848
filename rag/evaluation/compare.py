"""Comparing runs: every metric side by side, Δ against the first run with a paired bootstrap 95%
interval over the questions both answered, the questions that flipped, and a chart."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import checks
from ._io import atomic_write
from .evalset import REFUSE_SPLITS
from .judgments import JUDGED_METRICS, Judgments, judged_values

Row = dict[str, Any]


def _rank(row: Row) -> int | None:
    return row["scores"]["rank"]


def _in_scope(row: Row) -> bool:
    return bool(row["gold"]) and row["split"] not in REFUSE_SPLITS


def _answered(row: Row) -> bool:
    return not row["scores"]["refused"]


def _issue(kind: str) -> Callable[[Row], float | None]:
    return lambda r: float(bool(r["scores"].get("issues", {}).get(kind))) if _answered(r) else None


# (metric, higher is better, per-question value used for the paired bootstrap)
METRICS: list[tuple[str, bool, Callable[[Row], float | None]]] = [
    ("hit@1", True, lambda r: float(r["scores"]["rank"] == 0) if _in_scope(r) else None),
    ("hit@3", True, lambda r: float(_rank(r) is not None and _rank(r) < 3) if _in_scope(r) else None),
    ("citation_precision", True, lambda r: r["scores"]["precision"]),
    ("citation_recall", True, lambda r: (r["scores"]["recall"] or 0.0) if _in_scope(r) else None),
    ("fabricated_citations", False, lambda r: float(r["scores"]["fabricated"])),
    ("key_point_recall", True, lambda r: r["scores"]["key_point_recall"]),
    (
        "verdict_accuracy",
        True,
        lambda r: None if r["scores"]["verdict_ok"] is None else float(r["scores"]["verdict_ok"]),
    ),
    (
        "number_faithfulness",
        True,
        lambda r: (
            (r["scores"]["numbers_found"] / r["scores"]["numbers_total"])
            if r["scores"]["numbers_total"]
            else None
        ),
    ),
    (
        "refusal_rate_should_refuse",
        True,
        lambda r: float(r["scores"]["refused"]) if r["split"] in REFUSE_SPLITS else None,
    ),
    ("false_refusal_rate", False, lambda r: float(r["scores"]["refused"]) if _in_scope(r) else None),
    *[(f"issue_{k}", False, _issue(k)) for k in checks.KINDS],
    ("issue_any", False, lambda r: float(bool(r["scores"].get("issues"))) if _answered(r) else None),
    ("body_chars", False, lambda r: r["scores"].get("body_chars") if _answered(r) else None),
    ("ok_rate", True, lambda r: float(r["scores"]["ok"])),
    ("first_token_s", False, lambda r: r["timings"].get("first_token_s")),
    ("total_s", False, lambda r: r["timings"].get("total_s")),
]
COUNTED = {"fabricated_citations"}  # reported as totals, not means
HIGHER_IS_BETTER = {m: hib for m, hib, _ in METRICS} | {
    "judged_direct": True,
    "judged_indirect": False,
    "judged_wrong_or_broken": False,
    "judged_false_refusal": False,
    "judged_refused_when_required": True,
}


def paired_bootstrap(
    a: dict[str, float], b: dict[str, float], n: int = 2000, seed: int = 0
) -> tuple[float, float, float] | None:
    """Mean of b − a over the questions both have a value for, with a 95% percentile interval."""
    ids = sorted(set(a) & set(b))
    if not ids:
        return None
    diffs = np.array([b[i] - a[i] for i in ids])
    rng = random.Random(seed)
    means = [float(np.mean([diffs[rng.randrange(len(ids))] for _ in ids])) for _ in range(n)]
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(diffs.mean()), float(lo), float(hi)


def bootstrap_interval(values: list[float], n: int = 2000, seed: int = 0) -> tuple[float, float] | None:
    """95% percentile interval of a mean."""
    if not values:
        return None
    rng = random.Random(seed)
    means = [float(np.mean([values[rng.randrange(len(values))] for _ in values])) for _ in range(n)]
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def per_question(
    runs: list[dict[str, Any]], judgments: Judgments | None
) -> list[dict[str, dict[str, float]]]:
    """For each run: metric → question id → value."""
    out = []
    for run in runs:
        rows = run["questions"]
        values = {m: {r["id"]: v for r in rows if (v := fn(r)) is not None} for m, _, fn in METRICS}
        if judgments is not None:
            values.update(judged_values(rows, judgments))
        out.append(values)
    return out


def compare_runs(
    runs: list[dict[str, Any]], out_dir: Path, judgments: Judgments | None = None
) -> tuple[str, Path, Path]:
    """Markdown report + PNG chart of every metric across runs; the first run is the reference."""
    values = per_question(runs, judgments)
    names = [r["name"] for r in runs]
    metrics = [m for m, _, _ in METRICS] + (list(JUDGED_METRICS) if judgments is not None else [])
    lines = [
        f"# Eval comparison: {' vs '.join(names)}",
        "",
        f"Reference: **{runs[0]['name']}**. Each cell: the value [95% bootstrap interval] (n questions). "
        "Δ = run − reference over the questions both have a value for, with a paired bootstrap 95% "
        "interval (2000 resamples). Fabricated citations are totals. `issue_*`: share of answered "
        "questions with at least one such issue (rag.checks). `judged_*`: grades in eval/judgments.jsonl "
        "(direct/indirect/wrong+broken/false refusal over in-scope questions; refused over questions "
        "that must be refused).",
        "",
    ]
    header = "| metric | " + " | ".join(names) + " | " + " | ".join(f"Δ {n}" for n in names[1:]) + " |"
    lines += [header, "|" + "---|" * (1 + len(names) + len(names) - 1)]
    table: dict[str, list[float | None]] = {}
    for metric in metrics:
        cells, vals = [], []
        for v in values:
            xs = list(v.get(metric, {}).values())
            if metric in COUNTED:
                vals.append(float(sum(xs)))
                cells.append(f"{int(sum(xs))}")
                continue
            mean = float(np.mean(xs)) if xs else None
            vals.append(mean)
            ci = (
                bootstrap_interval(xs)
                if xs and metric not in ("first_token_s", "total_s", "body_chars")
                else None
            )
            cells.append(
                "—"
                if mean is None
                else f"{mean:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "") + f" ({len(xs)})"
            )
        table[metric] = vals
        deltas = []
        for i in range(1, len(runs)):
            bs = paired_bootstrap(values[0].get(metric, {}), values[i].get(metric, {}))
            deltas.append("—" if bs is None else f"{bs[0]:+.3f} [{bs[1]:+.3f}, {bs[2]:+.3f}]")
        lines.append(f"| {metric} | " + " | ".join(cells) + " | " + " | ".join(deltas) + " |")
    lines += ["", "## Questions that flipped", ""]
    if judgments is not None:
        lines.append("By judged grade (direct or refused-when-required = good):")
    else:
        lines.append(
            "ok = refused when it must be; else answered with a gold citation, ≥ half the key points, "
            "no issue."
        )
    lines.append("")
    per_q = [{r["id"]: r for r in run["questions"]} for run in runs]

    def good(row: Row) -> bool | None:
        if judgments is None:
            return bool(row["scores"]["ok"])
        g = judgments.grade(row)
        return None if g is None else g in ("direct", "refused")

    for i in range(1, len(runs)):
        shared = sorted(set(per_q[0]) & set(per_q[i]))
        pairs = [(q, good(per_q[0][q]), good(per_q[i][q])) for q in shared]
        better = [q for q, a, b in pairs if a is False and b is True]
        worse = [q for q, a, b in pairs if a is True and b is False]
        lines.append(f"- **{names[i]}** vs {names[0]}: {len(better)} better, {len(worse)} worse")
        for tag, qs in (("better", better), ("worse", worse)):
            for q in qs[:60]:
                lines.append(f"  - {tag}: `{q}` {per_q[0][q]['question']}")
    lines.append("")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "compare-" + "-vs-".join(n.replace("/", "_") for n in names)
    md_path, png_path = out_dir / f"{stem}.md", out_dir / f"{stem}.png"
    _chart(table, names, png_path)
    lines.insert(2, f"![chart]({png_path.name})\n")
    atomic_write(md_path, "\n".join(lines))
    return "\n".join(lines), md_path, png_path


def _chart(table: dict[str, list[float | None]], names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    skip = {"fabricated_citations", "first_token_s", "total_s", "body_chars"}
    quality = [m for m in table if m not in skip]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5), gridspec_kw={"width_ratios": [4, 1]})
    width = 0.8 / len(names)
    x = np.arange(len(quality))
    for i, n in enumerate(names):
        ax1.bar(x + i * width, [table[m][i] or 0 for m in quality], width, label=n)
    ax1.set_xticks(x + width * (len(names) - 1) / 2, quality, rotation=40, ha="right", fontsize=7)
    ax1.set_ylim(0, 1.05)
    ax1.set_title("quality (share; issue_*, false refusals, wrong/broken: lower is better)")
    ax1.legend(fontsize=8)
    x2 = np.arange(2)
    for i, n in enumerate(names):
        ax2.bar(x2 + i * width, [table["first_token_s"][i] or 0, table["total_s"][i] or 0], width, label=n)
    ax2.set_xticks(x2 + width * (len(names) - 1) / 2, ["first token s", "total s"])
    ax2.set_title("latency (mean seconds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
