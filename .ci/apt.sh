#!/usr/bin/env bash
# Sourced by .ci/setup.d/*.sh: `apt_ensure COMMAND:PACKAGE ...` installs, in one
# apt-get run, each Debian PACKAGE whose COMMAND is not on PATH. Quiet and idempotent.
apt_ensure() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "[ci] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}
