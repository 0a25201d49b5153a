#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, for the container tests. When one already
# answers (DOCKER_HOST or the default socket) it does nothing and prints nothing. Otherwise, as
# root, it starts Debian's dockerd in the background without touching the host's network
# (no iptables rules, no docker0 bridge: containers use host or no networking), with the
# overlay2 storage driver where the kernel and file system allow it and vfs (slow: every layer
# is a full copy) where they do not, and prints the pid it started, so the caller can stop
# exactly that process. Its log goes to /var/log/penguincast/dockerd.log.
set -euo pipefail

log_dir="${PENGUINCAST_DOCKERD_LOG_DIR:-/var/log/penguincast}"
log_file="$log_dir/dockerd.log"

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "start-dockerd: dockerd is missing (apt-get install -y docker.io)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-dockerd: starting a Docker engine needs root" >&2
  exit 1
fi
mkdir -p "$log_dir"

# Starts dockerd with one storage driver; prints its pid once `docker info` answers, or stops
# it and fails when it does not within 30 s.
try_driver() {
  local driver=$1 pid
  dockerd --storage-driver="$driver" --iptables=false --ip-masq=false --bridge=none \
    >>"$log_file" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      echo "$pid"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

for driver in ${PENGUINCAST_DOCKER_STORAGE_DRIVERS:-overlay2 vfs}; do
  echo "start-dockerd: trying storage driver $driver (log: $log_file)" >&2
  if pid="$(try_driver "$driver")"; then
    echo "start-dockerd: dockerd $pid is up with $driver" >&2
    echo "$pid"
    exit 0
  fi
done
echo "start-dockerd: no Docker engine could start; see $log_file" >&2
exit 1
