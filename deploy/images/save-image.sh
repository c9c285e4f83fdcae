#!/usr/bin/env bash
# Saves an image of the local Docker daemon as a tarball that `docker load` and
# `ctr -n k8s.io images import` read: save-image.sh IMAGE FILE (replaced whole, never half-written).
set -euo pipefail
image=$1
out=$2
DOCKER=${DOCKER:-/usr/bin/docker}
mkdir -p "$(dirname "$out")"
"$DOCKER" save -o "$out.part" "$image"
mv -f "$out.part" "$out"
