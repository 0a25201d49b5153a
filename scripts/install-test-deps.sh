#!/usr/bin/env bash
# Installs, through apt-get, the Debian packages the tests use that this machine lacks:
# nats-server and redis-server (spawned by the test kit), ffmpeg (real sources and decoding),
# mp3check (checks what listeners received) and promtool (checks /metrics, the Prometheus
# config and alert rules; Debian ships it in the prometheus package) and chromium (the admin
# pages driven headless with playwright-core). Does nothing when all are present.
set -euo pipefail
declare -A pkg_for=(
  [nats-server]=nats-server
  [redis-server]=redis-server
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [mp3check]=mp3check
  [promtool]=prometheus
  [chromium]=chromium
)
missing=()
for bin in "${!pkg_for[@]}"; do
  if ! command -v "$bin" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$bin" ]; then
    missing+=("${pkg_for[$bin]}")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-test-deps: installing ${missing[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
