#!/usr/bin/env bash
# Prepares a machine without a Docker engine or image registry for the
# container tests (docs/OFFLINE.md): the Docker API served by podman, and
# local stand-ins for the base images the Dockerfiles name. Idempotent; used by
# .ci/setup.d/40-containers.sh and by containers/tests/images_test.ts.
#
# The stand-ins come from ../shared/tools/docker-on-podman.sh (beside the
# repository, or $DOCKER_ON_PODMAN). Where npm is reached through a
# TLS-intercepting proxy whose CA only the host trusts, the Deno stand-in also
# gets the host's CA bundle (DENO_CERT); with the real base images none of
# this is needed.
#
# When the host has Debian's `prometheus` (.ci/setup.d installs it for the
# load tests), it also builds a stand-in for the compose monitoring profile's
# Prometheus image: that binary (2.42) on the Debian stand-in root, started
# the way the official image starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

DENO_IMAGE=denoland/deno:2.9.6
DISTROLESS_IMAGE=gcr.io/distroless/cc-debian12:nonroot
PROMETHEUS_IMAGE=$(sed -n 's/^ *image: \(prom\/prometheus:.*\)$/\1/p' containers/compose.yaml)
HOST_CA=/etc/ssl/certs/ca-certificates.crt

# The Docker-API tool: $DOCKER_ON_PODMAN, else ../shared/tools beside the repository.
tool=${DOCKER_ON_PODMAN:-../shared/tools/docker-on-podman.sh}
if [ ! -f "$tool" ]; then
  echo "[containers] docker-on-podman.sh not found at $tool; set DOCKER_ON_PODMAN to its path" >&2
  exit 1
fi

tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")

# The API service keeps the folder it was started from as its working directory, and
# containers it starts fail ("Failed to get working directory", "write child: broken
# pipe") once that folder is deleted, e.g. an earlier clone of this repository. Restart
# such a service, and start it from / so no clone's lifetime matters.
pid=$(pgrep -f 'podman system service .*podman-docker\.sock' | head -n 1 || true)
if [ -n "$pid" ] && [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *" (deleted)" ]]; then
  echo "[containers] the Docker API service (pid $pid) runs in a deleted folder: restarting it" >&2
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
(cd / && bash "$tool" up >/dev/null)
export DOCKER_HOST=unix:///run/podman-docker.sock
bash "$tool" base "$DENO_IMAGE" deno
bash "$tool" base "$DISTROLESS_IMAGE" distroless-cc

label=$(docker image inspect -f '{{ index .Config.Labels "anomaly.test.host-ca" }}' "$DENO_IMAGE" 2>/dev/null || true)
if [ "$label" != "1" ] && [ -f "$HOST_CA" ]; then
  ctx=$(mktemp -d)
  cp "$HOST_CA" "$ctx/host-ca.crt"
  printf 'FROM %s\nCOPY host-ca.crt /etc/ssl/certs/host-ca.crt\nENV DENO_CERT=/etc/ssl/certs/host-ca.crt\nLABEL anomaly.test.host-ca=1\n' \
    "$DENO_IMAGE" > "$ctx/Dockerfile"
  docker build -q --pull=false -t "$DENO_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  echo "[containers] $DENO_IMAGE stand-in trusts the host CA bundle" >&2
fi

if command -v prometheus >/dev/null 2>&1 && [ -n "$PROMETHEUS_IMAGE" ] \
  && ! docker image inspect "$PROMETHEUS_IMAGE" >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  cp "$(command -v prometheus)" "$ctx/prometheus"
  cat > "$ctx/Dockerfile" <<'DF'
FROM localhost/standin-rootfs:bookworm
COPY prometheus /bin/prometheus
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
USER 65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
DF
  docker build -q --pull=false -t "$PROMETHEUS_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  echo "[containers] stand-in $PROMETHEUS_IMAGE (Debian's prometheus $(prometheus --version 2>&1 | awk 'NR==1{print $3}'))" >&2
fi
