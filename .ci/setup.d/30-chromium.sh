#!/usr/bin/env bash
# Browser for frontend/tests/browser_test.ts: Debian's Chromium, driven by
# playwright-core (npm, pinned in deno.json) at /usr/bin/chromium with the
# flags in frontend/tests/_stack.ts. Also warms Deno's cache for the esbuild
# binary `deno bundle` uses, so the first island build does not download it.
# Idempotent and quiet: does nothing when Chromium is present.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  echo "[chromium] installing chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version

deno task build:ui >/dev/null
