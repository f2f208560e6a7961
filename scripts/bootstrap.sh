#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtual environment in .venv with awardbot installed.
# Usage: source scripts/bootstrap.sh base|test   ("test" adds the test tools). Always pass the
# argument: without one, a sourced script sees its caller's arguments (e.g. run.sh --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    "$PYTHON" -m venv "$ROOT/.venv"
fi
# shellcheck disable=SC1091
. "$ROOT/.venv/bin/activate"
extras="${1:?usage: source scripts/bootstrap.sh base|test}"
stamp="$ROOT/.venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    # -qq: progress is the one line below; pip still prints errors (and nothing else on success)
    echo "$(basename "$0"): installing awardbot ($extras) and its dependencies into .venv (first run only) ..." >&2
    python -m pip install --quiet --quiet --disable-pip-version-check --upgrade pip
    if [ "$extras" != base ]; then
        python -m pip install --quiet --quiet --disable-pip-version-check -e "$ROOT[$extras]"
    else
        python -m pip install --quiet --quiet --disable-pip-version-check -e "$ROOT"
    fi
    touch "$stamp"
fi
