#!/usr/bin/env bash
# Sourced by .ci/setup.d/*.sh: `apt_ensure COMMAND:PACKAGE ...` installs, in one
# apt-get run, each Debian PACKAGE whose COMMAND is not on PATH. Quiet and idempotent.
#
# A machine may be running another apt-get (unattended upgrades, a second job):
# every apt-get here waits for the dpkg and list locks for up to APT_LOCK_WAIT_S
# seconds (default 600) instead of failing at once, and a failed `apt-get update`
# is retried within the same bound.

APT_LOCK_WAIT_S=${APT_LOCK_WAIT_S:-600}

# apt-get with a bounded wait for the locks (apt 1.9.11+; older apt ignores the option).
apt_get() {
  apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT_S" "$@"
}

apt_ensure() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "[ci] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The option may not cover the lists lock `update` takes, and a mirror can
  # fail for a moment: retry every 10 s within the same bounded wait.
  local deadline=$((SECONDS + APT_LOCK_WAIT_S))
  until apt_get update -qq >/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "[ci] apt-get update still failing after ${APT_LOCK_WAIT_S} s" >&2
      return 1
    fi
    echo "[ci] apt-get update failed; retrying in 10 s (until ${APT_LOCK_WAIT_S} s)" >&2
    sleep 10
  done
  apt_get install -y -qq "${missing[@]}" >/dev/null
}
