#!/usr/bin/env bash
# Tools for k8s/tests and containers/tests: shellcheck (apt), kubectl with
# kustomize v5 (Debian's 1.20 is too old),
# and the Docker API served by podman with stand-in base images
# (../shared/tools/docker-on-podman.sh, through containers/tests/prepare_base_images.sh).
# Idempotent and quiet; any missing piece fails here, loudly, not in a test.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source-path=SCRIPTDIR source=../apt.sh
. .ci/apt.sh
apt_ensure shellcheck:shellcheck

if ! command -v kubectl >/dev/null 2>&1; then
  echo "[containers] kubectl (1.27+, kustomize v5) is not on PATH; k8s/tests need it" >&2
  exit 1
fi

bash containers/tests/prepare_base_images.sh
