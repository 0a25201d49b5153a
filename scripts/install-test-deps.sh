#!/usr/bin/env bash
# Installs, through apt-get, the Debian packages the tests use that this machine lacks:
# nats-server and redis-server (spawned by the test kit), ffmpeg (real sources and decoding),
# mp3check (checks what listeners received) and promtool (checks /metrics, the Prometheus
# config and alert rules; Debian ships it in the prometheus package), chromium (the admin
# pages driven headless with playwright-core) and icecast2 (a real Icecast 2.4 upstream for the
# relay tests). Does nothing when all are present.
set -euo pipefail
declare -A pkg_for=(
  [nats-server]=nats-server
  [redis-server]=redis-server
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [mp3check]=mp3check
  [promtool]=prometheus
  [chromium]=chromium
  [icecast2]=icecast2
  # The container deployment tests: Debian's Docker engine and Compose v1, and debootstrap for
  # the local base image where no image registry is reachable (scripts/docker-base-image.sh).
  [dockerd]=docker.io
  [docker-compose]=docker-compose
  [debootstrap]=debootstrap
)
missing=()
for bin in "${!pkg_for[@]}"; do
  if ! command -v "$bin" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$bin" ]; then
    missing+=("${pkg_for[$bin]}")
  fi
done
want_kubectl=0
if ! command -v kubectl >/dev/null 2>&1; then
  want_kubectl=1
fi
if [ ${#missing[@]} -eq 0 ] && [ $want_kubectl -eq 0 ]; then
  exit 0
fi
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "install-test-deps: installing ${missing[*]}"
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $want_kubectl -eq 1 ]; then
  # This machine kind's image ships kubectl (the Google Cloud SDK's package), so this runs only
  # elsewhere, where an apt source may have it. Debian's own kubernetes-client (kubectl 1.20,
  # Kustomize v2) is too old for deploy/k8s, so it is no fallback. Without a kubectl the
  # Kubernetes test fails in CI and skips loudly elsewhere; PENGUINCAST_KUBECTL names another.
  echo "install-test-deps: installing kubectl"
  $sudo_cmd apt-get install -y -qq --no-install-recommends kubectl ||
    echo "install-test-deps: no kubectl package here; deploy-k8s.test.ts fails in CI" >&2
fi
