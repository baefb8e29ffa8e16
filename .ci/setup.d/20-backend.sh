#!/usr/bin/env bash
# Tools for backend/tests: promtool (Debian prometheus) lints the metrics
# exposition; slowhttptest holds slowloris connections against the real backend.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../apt.sh
. "$(dirname "$0")/../apt.sh"
apt_ensure promtool:prometheus slowhttptest:slowhttptest
