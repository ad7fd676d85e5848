#!/usr/bin/env bash
# Install everything into .venv/ and provision models. Idempotent: re-running skips what is done.
#   scripts/setup.sh                 → the defaults (EmbeddingGemma + Qwen2.5-Coder-1.5B)
#   scripts/setup.sh NAME [NAME…]    → only these registered models
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip wheel setuptools
# llama-cpp-python compiles from source (~8 min on 2 cores); pip caches the wheel for next time.
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
.venv/bin/python -m pip install -q -e ".[test,bench]"
.venv/bin/rag provision "$@"
