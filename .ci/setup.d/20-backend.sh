#!/usr/bin/env bash
# Tools for backend/tests: promtool (Debian prometheus) lints the metrics
# exposition; slowhttptest holds slowloris connections against the real backend.
# Idempotent and quiet.
set -euo pipefail
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v slowhttptest >/dev/null 2>&1 || missing+=(slowhttptest)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[20-backend] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
