#!/usr/bin/env bash
# Run the product: web widget, staff FAQ and API on http://127.0.0.1:8000 (and the Telegram bot
# when TELEGRAM_BOT_TOKEN is set). Extra arguments go to `awardbot serve` (see --help).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh base
exec awardbot serve "$@"
