#!/usr/bin/env bash
# Joins this machine to the K3s server as a GPU agent, then labels and taints it so that only detect runs here.
#
#   K3S_URL=https://<server>:6443 K3S_TOKEN=<server's node token> DETECT_GPU_IMAGE=<image tar> infra/k3s/gpu-agent.sh
#
# DETECT_GPU_IMAGE is the GPU variant of detect's image (dev.local/imageflowcanvas/detect-gpu, docs/cluster.md), which
# detect runs here: imported into this agent's containerd, as there is no registry to pull it from.
# Needs the NVIDIA driver and NVIDIA's container toolkit installed first (NVIDIA's instructions for Debian or
# Ubuntu); K3s then registers the `nvidia` runtime in its containerd by itself. The NVIDIA device plugin, which
# advertises nvidia.com/gpu, is installed from the server with `kubectl apply` of NVIDIA's k8s-device-plugin
# release manifest, with runtimeClassName nvidia.
set -euo pipefail

: "${K3S_URL:?set K3S_URL to the server, https://<server>:6443}"
: "${K3S_TOKEN:?set K3S_TOKEN to the node token in /var/lib/rancher/k3s/server/node-token on the server}"
: "${DETECT_GPU_IMAGE:?set DETECT_GPU_IMAGE to the detect-gpu image tar (docs/cluster.md: the build makes none)}"
here="$(cd "$(dirname "$0")" && pwd)"
detect_gpu=$(sed -n 's/^ *value: \(dev\.local\/imageflowcanvas\/detect-gpu:.*\)$/\1/p' "$here/apps/gpu/detect-gpu.yaml")
"$here/check-image-tar.sh" "$DETECT_GPU_IMAGE" "$detect_gpu"
command -v nvidia-smi >/dev/null 2>&1 || { echo "gpu-agent: no NVIDIA driver (nvidia-smi)" >&2; exit 2; }
command -v nvidia-container-runtime >/dev/null 2>&1 || { echo "gpu-agent: no NVIDIA container toolkit" >&2; exit 2; }

curl -sfL https://get.k3s.io | K3S_URL="$K3S_URL" K3S_TOKEN="$K3S_TOKEN" \
  INSTALL_K3S_EXEC="agent --node-label imageflowcanvas.io/gpu=true --node-taint nvidia.com/gpu=present:NoSchedule" sh -
echo "joined as $(hostname): labelled imageflowcanvas.io/gpu=true, tainted nvidia.com/gpu=present:NoSchedule"
k3s ctr images import "$DETECT_GPU_IMAGE"
echo "imported $detect_gpu"
