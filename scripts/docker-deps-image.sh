#!/usr/bin/env bash
# Makes one local image that stands in for the NATS, Redis and Prometheus images of
# deploy/docker-compose.yml where no image registry is reachable: the local base image
# (scripts/docker-base-image.sh) plus Debian's nats-server, redis-server, prometheus and wget.
# The compose file names each program as its service's entrypoint, so this one image serves all
# three. Prints the image tag. Grafana has no Debian package, so nothing here stands in for it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="$(bash "$here/docker-base-image.sh")"
tag="penguincast-deps:${base#penguincast-base:}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $base
RUN export DEBIAN_FRONTEND=noninteractive \\
 && apt-get update -qq \\
 && apt-get install -y -qq --no-install-recommends nats-server redis-server prometheus wget \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /usr/share/doc/* /usr/share/man/* \\
 && mkdir -p /data /prometheus \\
 && chown 65534:65534 /data /prometheus
WORKDIR /data
USER 65534:65534
DOCKERFILE
echo "docker-deps-image: building $tag (apt-get inside the image)" >&2
DOCKER_BUILDKIT=0 docker build --network host -q -t "$tag" "$ctx" >/dev/null
echo "$tag"
