#!/usr/bin/env bash
# The workshop's Kubernetes workflow on kind, one command per step.
#
#   scripts/kind.sh [--dry-run] COMMAND     (or: deno task kind:up [--dry-run], kind:redeploy, ...)
#
# Commands:
#   up         create + metrics + build + load + apply: from nothing to a running stack
#   create     create the kind cluster from k8s/kind-config.yaml (skipped if it exists)
#   metrics    install metrics-server and add --kubelet-insecure-tls (kind's kubelets
#              serve self-signed certificates; dev clusters only), wait until
#              `kubectl top` works
#   build      build both images from the repository root (containers/Dockerfile.*)
#   load       copy both images into the kind node (`kind load docker-image`)
#   apply      kubectl apply -k k8s/overlays/$OVERLAY and wait for the rollouts
#   redeploy   build + load + rollout restart + wait: see code changes in the cluster
#   forward    port-forward backend 8000 and UI 8501 until Ctrl-C
#   status     pods, HPA and `kubectl top pods`
#   down       delete the cluster
#
# --dry-run prints every command that would run, one per line prefixed with "+ ",
# and runs none of them (k8s/tests/kind_script_test.ts checks the sequence).
#
# Environment (defaults in brackets):
#   CLUSTER [anomaly]  kind cluster name, as in k8s/kind-config.yaml
#   TAG [0.1.0]        image tag of localhost/anomaly-{backend,ui}; equals the tag in
#                      k8s/base/kustomization.yaml `images:`
#   OVERLAY [dev]      k8s/overlays/<name> to apply: dev | scaled | persistent
#   TARGET []          Dockerfile target; empty = default (deno compile on distroless),
#                      `run` = the same code under `deno run` on the Deno image
#   DOCKER [docker]    container CLI (docker, or podman)
#   KIND_NODE_IMAGE [] kindest/node image for `create`; empty = kind's default
#   METRICS_SERVER_VERSION [v0.7.2]
set -euo pipefail

CLUSTER=${CLUSTER:-anomaly}
TAG=${TAG:-0.1.0}
OVERLAY=${OVERLAY:-dev}
TARGET=${TARGET:-}
DOCKER=${DOCKER:-docker}
KIND_NODE_IMAGE=${KIND_NODE_IMAGE:-}
METRICS_SERVER_VERSION=${METRICS_SERVER_VERSION:-v0.7.2}
NAMESPACE=anomaly
DRY_RUN=0

# Every path below is relative to the repository root, as in the workshop guide.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
METRICS_URL="https://github.com/kubernetes-sigs/metrics-server/releases/download/${METRICS_SERVER_VERSION}/components.yaml"

usage() {
  sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

log() { printf '[kind.sh] %s\n' "$*" >&2; }

# Quote one word for display: as is when it is plain, else in single quotes.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

# run CMD...: print it in dry-run mode (copy-pastable), execute it otherwise.
run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    local line="+" word
    for word in "$@"; do line+=" $(quote "$word")"; done
    printf '%s\n' "$line"
  else
    "$@"
  fi
}

need() {
  [ "$DRY_RUN" -eq 1 ] && return 0
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { log "'$tool' is not on PATH; see docs/KUBERNETES.md"; exit 1; }
  done
}

cluster_exists() {
  # Dry-run shows the path from a fresh machine: no cluster yet.
  [ "$DRY_RUN" -eq 1 ] && return 1
  kind get clusters 2>/dev/null | grep -qx "$CLUSTER"
}

cmd_create() {
  need kind kubectl
  if cluster_exists; then
    log "cluster '$CLUSTER' exists; using it"
  else
    local args=(kind create cluster --name "$CLUSTER" --config "k8s/kind-config.yaml" --wait 120s)
    [ -n "$KIND_NODE_IMAGE" ] && args+=(--image "$KIND_NODE_IMAGE")
    run "${args[@]}"
  fi
  run kubectl config use-context "kind-$CLUSTER"
}

metrics_server_patched() {
  [ "$DRY_RUN" -eq 1 ] && return 1
  kubectl -n kube-system get deploy metrics-server \
    -o jsonpath='{.spec.template.spec.containers[0].args}' 2>/dev/null | grep -q -- '--kubelet-insecure-tls'
}

cmd_metrics() {
  need kubectl
  run kubectl apply -f "$METRICS_URL"
  # K21: without this flag metrics-server cannot scrape kind's kubelets and the
  # HPA shows <unknown> targets. Added once (the check keeps reruns idempotent).
  if ! metrics_server_patched; then
    run kubectl -n kube-system patch deploy metrics-server --type=json \
      -p='[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'
  fi
  run kubectl -n kube-system rollout status deploy/metrics-server --timeout=180s
  run kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=180s
}

# Fully qualified (localhost/): Docker and podman store it under this very name and
# `kind load docker-image` imports it as such, so it is the name the manifests use
# (k8s/base/kustomization.yaml `images:`) whichever tool built it.
image_ref() { printf 'localhost/anomaly-%s:%s' "$1" "$TAG"; }

cmd_build() {
  need "$DOCKER"
  local service args
  for service in backend ui; do
    args=("$DOCKER" build -f "containers/Dockerfile.$service" -t "$(image_ref "$service")")
    [ -n "$TARGET" ] && args+=(--target "$TARGET")
    run "${args[@]}" .
  done
}

cmd_load() {
  need kind
  local service
  for service in backend ui; do
    run kind load docker-image "$(image_ref "$service")" --name "$CLUSTER"
  done
}

wait_rollouts() {
  run kubectl -n "$NAMESPACE" rollout status deploy/anomaly-backend --timeout=180s
  run kubectl -n "$NAMESPACE" rollout status deploy/anomaly-ui --timeout=180s
}

cmd_apply() {
  need kubectl
  if [ ! -d "k8s/overlays/$OVERLAY" ]; then
    log "no overlay k8s/overlays/$OVERLAY (dev | scaled | persistent)"
    exit 2
  fi
  run kubectl apply -k "k8s/overlays/$OVERLAY"
  wait_rollouts
}

cmd_redeploy() {
  # The same tag is rebuilt and reloaded, so the Deployment spec does not
  # change: a rollout restart makes new pods pick up the reloaded image
  # (imagePullPolicy IfNotPresent uses the node's copy).
  cmd_build
  cmd_load
  run kubectl -n "$NAMESPACE" rollout restart deploy/anomaly-backend deploy/anomaly-ui
  wait_rollouts
}

cmd_forward() {
  need kubectl
  if [ "$DRY_RUN" -eq 1 ]; then
    run kubectl -n "$NAMESPACE" port-forward svc/anomaly-backend 8000:8000
    run kubectl -n "$NAMESPACE" port-forward svc/anomaly-ui 8501:8501
    return
  fi
  kubectl -n "$NAMESPACE" port-forward svc/anomaly-backend 8000:8000 &
  local backend_pid=$!
  kubectl -n "$NAMESPACE" port-forward svc/anomaly-ui 8501:8501 &
  local ui_pid=$!
  # Stop exactly the two port-forwards started here.
  trap 'kill "$backend_pid" "$ui_pid" 2>/dev/null || true' EXIT INT TERM
  log "backend http://localhost:8000  UI http://localhost:8501  (Ctrl-C stops both)"
  wait
}

cmd_status() {
  need kubectl
  run kubectl -n "$NAMESPACE" get deploy,pods,hpa -o wide
  run kubectl -n "$NAMESPACE" top pods
}

cmd_down() {
  need kind
  run kind delete cluster --name "$CLUSTER"
}

cmd_up() {
  cmd_create
  cmd_metrics
  cmd_build
  cmd_load
  cmd_apply
  log "ready: scripts/kind.sh forward, then open http://localhost:8501"
}

main() {
  # --dry-run may come before or after the command (`deno task kind:up --dry-run`).
  local command="" arg
  for arg in "$@"; do
    case "$arg" in
      --dry-run) DRY_RUN=1 ;;
      *) [ -z "$command" ] && command=$arg ;;
    esac
  done
  case "$command" in
    up | create | metrics | build | load | apply | redeploy | forward | status | down)
      "cmd_$command"
      ;;
    -h | --help | help)
      usage
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
