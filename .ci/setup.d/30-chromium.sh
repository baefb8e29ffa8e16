#!/usr/bin/env bash
# Browser for frontend/tests/browser_test.ts: Debian's Chromium, driven by
# playwright-core (npm, pinned in deno.json) at /usr/bin/chromium with the
# flags in frontend/tests/_stack.ts. Also warms Deno's cache for the esbuild
# binary `deno bundle` uses, so the first island build does not download it.
# Idempotent and quiet: does nothing when Chromium is present.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source-path=SCRIPTDIR source=../apt.sh
. .ci/apt.sh
# The browser tests launch /usr/bin/chromium, which is what Debian's package installs.
apt_ensure chromium:chromium
/usr/bin/chromium --version

deno task build:ui >/dev/null
