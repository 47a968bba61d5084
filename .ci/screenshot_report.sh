#!/usr/bin/env bash
# Open a boxoffice HTML report in Debian's headless Chromium and save a screenshot, to see it as a person would.
#   .ci/screenshot_report.sh report.html [out.png] [height]
# Without a report argument, it builds one first with `boxoffice report --years 2` (trains the default model if
# there is none yet, which takes a few minutes). Needs `apt-get install -y chromium`.
set -euo pipefail

cd "$(dirname "$0")/.."
report="${1:-}"
out="${2:-report.png}"
height="${3:-5200}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium is not installed: apt-get install -y chromium" >&2
    exit 2
fi
if [ -z "$report" ]; then
    report="$(mktemp -d)/report.html"
    .venv/bin/boxoffice report --out "$report" --years 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" \
    --screenshot="$(realpath -m "$out")" --window-size="1280,$height" "file://$(realpath "$report")" 2>/dev/null
echo "screenshot of $report -> $out"
