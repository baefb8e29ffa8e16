#!/usr/bin/env bash
# KEDA for the live cluster (k8s/components/stream-lag-scaling, the e2e's stream_lag
# scenario): the operator and the metrics API server (`keda`, `keda-adapter`) built
# with `go build` from the Go module proxy, as 60-k8s.sh builds the cluster itself,
# plus KEDA's own manifests (config/: CRDs, RBAC, Deployments, APIService) from the
# same module. Everything lands in $KEDA_CACHE (/var/cache/local-keda): bin/,
# config/, build-times.txt. k8s/e2e/keda.ts puts the binaries in a local image and
# applies config/minimal with it (the stream-lag scenario).
# Idempotent: under a second when both binaries of the pinned version exist.
# Measured cold (empty Go build and module caches; 2 cores shared with other jobs,
# load average 8-13, the build got 0.6 of a core on average): 26 min wall (modules
# and toolchain 55 s, operator 1346 s, adapter 172 s) for 953 s of CPU; ~400 MB
# fetched from the proxy (1.4 GB of modules and a 250 MB toolchain unpacked), a
# 3.2 GB Go build cache, binaries 176 + 126 MB. Warm Go cache, binaries gone: 59 s.
#
# KEDA v2.21.1 declares `go 1.27.4`: with an older local Go the build runs under
# that toolchain, which Go fetches from the module proxy itself (golang.org/toolchain).
set -euo pipefail
cd "$(dirname "$0")/../.."

KEDA_VERSION=v2.21.1
KEDA_GO=go1.27.4
cache=${KEDA_CACHE:-/var/cache/local-keda}
bin=$cache/bin
src=$cache/src-$KEDA_VERSION
export PATH="$PATH:/usr/local/go/bin"
export GOFLAGS=${GOFLAGS:--buildvcs=false}
command -v go >/dev/null 2>&1 || { echo "[65-keda] go is missing (/usr/local/go/bin)" >&2; exit 1; }

log() { printf '[65-keda %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Is the local Go at least $KEDA_GO? Otherwise let Go fetch that toolchain.
local_go=$(go env GOVERSION)
if [ "$(printf '%s\n%s\n' "$KEDA_GO" "$local_go" | sort -V | head -1)" != "$KEDA_GO" ]; then
  export GOTOOLCHAIN=$KEDA_GO
fi

stamp=$bin/.version
if [ -x "$bin/keda" ] && [ -x "$bin/keda-adapter" ] && [ -f "$cache/config/minimal/kustomization.yaml" ] &&
  [ "$(cat "$stamp" 2>/dev/null)" = "$KEDA_VERSION" ]; then
  echo "[65-keda] keda $KEDA_VERSION present in $bin"
  exit 0
fi
mkdir -p "$bin" "$src"

timed() { # NAME CMD...: run CMD, append its wall time to build-times.txt
  local name=$1 s
  shift
  s=$(date +%s)
  "$@"
  echo "$(date -Is) $name $(($(date +%s) - s))s" >>"$cache/build-times.txt"
  log "$name: $(($(date +%s) - s)) s"
}

# A throwaway main module that requires KEDA: replace and exclude directives only
# apply in the main module, so KEDA's own are copied in (one pins a licensed fork).
prepare() {
  local moddir
  moddir=$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -f "$moddir/go.mod" ] || { log "module download failed"; return 1; }
  rm -rf "$cache/config"
  cp -r "$moddir/config" "$cache/config"
  chmod -R u+w "$cache/config"
  [ -f "$src/go.sum" ] && return 0
  {
    printf 'module localkeda\n\ngo %s\n\n' "${KEDA_GO#go}"
    grep -E '^(replace|exclude) ' "$moddir/go.mod"
  } >"$src/go.mod"
  if ! (cd "$src" && go get "github.com/kedacore/keda/v2/cmd/operator@$KEDA_VERSION" \
    "github.com/kedacore/keda/v2/cmd/adapter@$KEDA_VERSION" >"$cache/go-get.log" 2>&1); then
    tail -20 "$cache/go-get.log" >&2
    return 1
  fi
}

ldflags="-s -w -X=github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION#v}"
ldflags+=" -X=github.com/kedacore/keda/v2/version.GitCommit=module-proxy"
build() { # NAME CMD-DIR
  (cd "$src" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags="$ldflags" \
    -o "$bin/$1" "github.com/kedacore/keda/v2/cmd/$2")
}

[ "$(cat "$stamp" 2>/dev/null)" = "$KEDA_VERSION" ] || rm -f "$bin/keda" "$bin/keda-adapter"
log "building keda $KEDA_VERSION from the Go module proxy (slow on 2 cores)"
timed "keda-modules" prepare
[ -x "$bin/keda" ] || timed "keda-operator" build keda operator
[ -x "$bin/keda-adapter" ] || timed "keda-adapter" build keda-adapter adapter
echo "$KEDA_VERSION" >"$stamp"
echo "[65-keda] keda $KEDA_VERSION built into $bin"
