#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtual environment in .venv with awardbot installed.
# Usage: source scripts/bootstrap.sh [extras]   (extras: "test" adds the test tools)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    "$PYTHON" -m venv "$ROOT/.venv"
fi
# shellcheck disable=SC1091
. "$ROOT/.venv/bin/activate"
stamp="$ROOT/.venv/.installed-${1:-base}"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    python -m pip install --quiet --disable-pip-version-check --upgrade pip
    if [ -n "${1:-}" ]; then
        python -m pip install --quiet --disable-pip-version-check -e "$ROOT[$1]"
    else
        python -m pip install --quiet --disable-pip-version-check -e "$ROOT"
    fi
    touch "$stamp"
fi
