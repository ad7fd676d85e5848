#!/usr/bin/env bash
# One command from a fresh clone to the running web page: install, provision, index, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/rag index
exec .venv/bin/rag serve "$@"
