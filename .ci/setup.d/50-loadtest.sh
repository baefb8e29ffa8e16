#!/usr/bin/env bash
# Load testing and observability tools (loadtest/, observability/, tools/bench/):
# - prometheus + promtool (Debian): rules unit tests, the scrape end-to-end test
# - wrk (Debian): throughput figures in `deno task bench`
# - k6 (built from the Go module proxy: k6 is a Go binary and not on npm),
#   pinned; installed to $HOME/go/bin and linked into /usr/local/bin.
# Idempotent and quiet: does nothing when the right versions are present.
set -euo pipefail

K6_VERSION="v1.8.1"

# shellcheck source-path=SCRIPTDIR source=../apt.sh
. "$(dirname "$0")/../apt.sh"
if ! command -v prometheus >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
  apt_ensure promtool:prometheus prometheus:prometheus wrk:wrk
  # Debian's package may start a system Prometheus on :9090; tests run their
  # own on free ports and need nothing listening, so stop it if it started.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi

if ! command -v k6 >/dev/null 2>&1 || ! k6 version 2>/dev/null | grep -q "k6 ${K6_VERSION} "; then
  export PATH="$PATH:/usr/local/go/bin"
  if ! command -v go >/dev/null 2>&1; then
    echo "[50-loadtest] go is required to build k6 (go install go.k6.io/k6@${K6_VERSION})" >&2
    exit 1
  fi
  echo "[50-loadtest] building k6 ${K6_VERSION} with go install (a few minutes)"
  GOBIN="$HOME/go/bin" go install "go.k6.io/k6@${K6_VERSION}"
  ln -sf "$HOME/go/bin/k6" /usr/local/bin/k6
fi
k6 version | head -1
