#!/usr/bin/env bash
# The live cluster for `deno task k8s:e2e` (.ci/run runs it after `deno task ok`):
# builds the single-node Kubernetes of ../shared/tools/local-k8s.sh (Kubernetes
# v1.34 from the Go module proxy; containerd, runc, etcd, CNI from Debian) into
# /var/cache/local-k8s. Idempotent: under a second when the binaries exist;
# ~10-35 min on a fresh machine, most of it compiling kube-apiserver.
# Needs root, Go (/usr/local/go) and podman (40-containers.sh); k6 comes from
# 50-loadtest.sh. Nothing is started here: the e2e starts and stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The cluster tool: $LOCAL_K8S, else ../shared/tools beside the repository.
tool=${LOCAL_K8S:-../shared/tools/local-k8s.sh}
if [ ! -f "$tool" ]; then
  echo "[60-k8s] local-k8s.sh not found at $tool; set LOCAL_K8S to its path" >&2
  exit 1
fi
for cmd in podman k6 kubectl; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "[60-k8s] $cmd is missing; the e2e needs it" >&2; exit 1; }
done

export PATH="$PATH:/usr/local/go/bin"
start=$(date +%s)
log=$(mktemp)
if ! bash "$tool" build >"$log" 2>&1; then
  tail -40 "$log" >&2
  exit 1
fi
rm -f "$log"
echo "[60-k8s] cluster binaries ready ($(( $(date +%s) - start )) s)"
