#!/usr/bin/env bash
# Exits 0 when TAR is an image archive (docker-archive, as Jib and `docker save` write them) holding IMAGE, else
# says why on stderr and exits 2. install.sh and gpu-agent.sh check an image this way before importing it.
#
#   infra/k3s/check-image-tar.sh TAR IMAGE
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 TAR IMAGE" >&2; exit 2; }
tar_file=$1
image=$2
[ -f "$tar_file" ] || { echo "check-image-tar: no file $tar_file" >&2; exit 2; }
manifest=$(tar -xOf "$tar_file" manifest.json 2>/dev/null) || {
  echo "check-image-tar: $tar_file is no image archive (no manifest.json)" >&2
  exit 2
}
if ! grep -qF "\"$image\"" <<<"$manifest"; then
  echo "check-image-tar: $tar_file does not hold $image (it holds: $(grep -o '"RepoTags":\[[^]]*\]' <<<"$manifest"))" >&2
  exit 2
fi
