"""Evaluation: the eval set, offline metrics and answer checks, judged grades, resumable runs,
run comparisons and the retrieval report — one module each."""

from .compare import METRICS, bootstrap_interval, compare_runs, paired_bootstrap
from .evalset import (
    EVAL_DIR,
    REFUSE_SPLITS,
    SPLITS,
    EvalRecord,
    _read_key_points,
    build_evalset,
    load_evalset,
    write_evalset,
)
from .judgments import GRADES, Judgments, answer_sha, judged_summary
from .metrics import (
    EvalContext,
    aggregate,
    answer_issues,
    citation_scores,
    key_point_recall,
    norm,
    number_faithfulness,
    score,
    verdict_of,
)
from .retrieval import retrieval_report
from .runs import EXTRACTIVE, answer_row, rescore_run, run_eval

__all__ = [
    "EVAL_DIR",
    "EXTRACTIVE",
    "GRADES",
    "METRICS",
    "REFUSE_SPLITS",
    "SPLITS",
    "EvalContext",
    "EvalRecord",
    "Judgments",
    "_read_key_points",
    "aggregate",
    "answer_issues",
    "answer_row",
    "answer_sha",
    "bootstrap_interval",
    "build_evalset",
    "citation_scores",
    "compare_runs",
    "judged_summary",
    "key_point_recall",
    "load_evalset",
    "norm",
    "number_faithfulness",
    "paired_bootstrap",
    "rescore_run",
    "retrieval_report",
    "run_eval",
    "score",
    "verdict_of",
    "write_evalset",
]
