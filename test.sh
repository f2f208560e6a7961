#!/usr/bin/env bash
# Run every test: lint (ruff), then pytest — rules, dialog, store, and the end-to-end tests against
# a real Redis, the Telegram Bot API emulator (npm) and headless Chromium, all installed here.
# Extra arguments go to pytest (e.g. ./test.sh tests/rules -q).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh test

# System packages for the end-to-end tests (Debian): Redis, Chromium, Node.js and a CJK font.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)  # the Telegram Bot API emulator
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)  # Chinese in screenshots
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
    if [ "$SUDO" != none ] && command -v apt-get >/dev/null; then
        echo "test.sh: installing ${missing[*]} with apt-get"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "test.sh: WARNING: cannot install ${missing[*]} (need root and apt-get); their tests will be skipped LOUDLY"
    fi
fi
# Node packages for the Telegram Bot API emulator (package.json + package-lock.json).
if command -v npm >/dev/null 2>&1; then
    if [ ! -d node_modules/telegram-test-api ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error
    fi
else
    echo "test.sh: WARNING: npm not found; the Telegram end-to-end tests will be skipped LOUDLY"
fi

ruff check .
python -m pytest "$@"
