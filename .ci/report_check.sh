#!/usr/bin/env bash
# CI: make Debian's chromium available so tests/test_report.py opens the report in headless Chromium and checks
# the screenshot, and tests/test_serve_browser.py drives the `boxoffice serve` page through Playwright (both are
# skipped where chromium is missing; Playwright's own browser downloads are never used). About a minute.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "report check: chromium missing and not root on Debian; the headless screenshot test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
chromium --version
