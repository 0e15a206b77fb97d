#!/bin/sh
# Builds Flotilla's pause image as one `podman load`-able docker-archive per architecture.
# Usage: images/pause/build.sh [amd64|arm64|arm ...]   (default: all three)
# Output: images/pause/dist/pause-<version>-linux-<arch>.tar (or $PAUSE_OUT/…), tagged localhost/flotilla/pause:<version>.
# The archives are reproducible (fixed mtimes, sorted, stripped) and committed, so a device needs no compiler.
# amd64 links musl (musl-tools, ~30 KB); arm64/arm link static glibc from Debian's cross compilers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$here/VERSION")
tag="localhost/flotilla/pause:$version"
out="${PAUSE_OUT:-$here/dist}"
[ $# -gt 0 ] || set -- amd64 arm64 arm
mkdir -p "$out"

compiler_for() {
  host=$(uname -m)
  case "$1" in
    amd64) if [ "$host" = x86_64 ] && command -v musl-gcc >/dev/null; then echo musl-gcc; elif [ "$host" = x86_64 ]; then echo gcc; else echo x86_64-linux-gnu-gcc; fi ;;
    arm64) if [ "$host" = aarch64 ]; then echo gcc; else echo aarch64-linux-gnu-gcc; fi ;;
    arm) if [ "$host" = armv7l ]; then echo gcc; else echo arm-linux-gnueabihf-gcc; fi ;;
    *) echo "unknown architecture: $1 (want amd64, arm64 or arm)" >&2; exit 2 ;;
  esac
}

variant_for() {
  case "$1" in arm64) echo '"variant":"v8",' ;; arm) echo '"variant":"v7",' ;; *) echo '' ;; esac
}

build() {
  arch=$1
  cc=$(compiler_for "$arch")
  command -v "$cc" >/dev/null || { echo "build.sh: $cc not found (apt-get install musl-tools gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/rootfs" "$work/archive"
  "$cc" -Os -Wall -Wextra -Werror -static -s -DVERSION="\"$version\"" -o "$work/rootfs/pause" "$here/pause.c"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" pause
  diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir -p "$work/archive/$diff_id"
  mv "$work/layer.tar" "$work/archive/$diff_id/layer.tar"
  printf '{"architecture":"%s",%s"os":"linux","created":"1970-01-01T00:00:00Z","config":{"Entrypoint":["/pause"],"User":"65535:65535","Labels":{"io.flotilla.image":"pause","io.flotilla.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"images/pause/build.sh %s"}]}' \
    "$arch" "$(variant_for "$arch")" "$version" "$diff_id" "$version" > "$work/config.json"
  config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/archive/$config_id.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_id" "$tag" "$diff_id" > "$work/archive/manifest.json"
  target="$out/pause-$version-linux-$arch.tar"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/archive" -cf "$target.tmp" .
  mv "$target.tmp" "$target"
  rm -rf "$work"
  trap - EXIT
  echo "$target"
}

for arch in "$@"; do build "$arch"; done
