#!/usr/bin/env bash
# One command from a fresh clone to the test results: install, provision what the tests need
# (EmbeddingGemma + the small Qwen2.5-Coder-0.5B generator), lint, then run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser test drives Debian's Chromium; CJK fonts make its screenshots readable.
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "test.sh: please install Debian's chromium and fonts-noto-cjk (sudo apt-get install ...)" >&2
  fi
fi
scripts/setup.sh embeddinggemma-300m qwen2.5-coder-0.5b
.venv/bin/ruff check rag tests app.py
.venv/bin/ruff format --check rag tests app.py
exec .venv/bin/python -m pytest -q "$@"
