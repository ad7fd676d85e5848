#!/usr/bin/env bash
# One command from a fresh clone to the test results: install, provision what the tests need
# (EmbeddingGemma + the small Qwen2.5-Coder-0.5B generator), lint, then run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh embeddinggemma-300m qwen2.5-coder-0.5b
.venv/bin/ruff check rag tests app.py
.venv/bin/ruff format --check rag tests app.py
exec .venv/bin/python -m pytest -q "$@"
