#!/usr/bin/env bash
# Joins this machine to the K3s server as a GPU agent, then labels and taints it so that only detect runs here.
#
#   K3S_URL=https://<server>:6443 K3S_TOKEN=<server's node token> infra/k3s/gpu-agent.sh
#
# Needs the NVIDIA driver and NVIDIA's container toolkit installed first (NVIDIA's instructions for Debian or
# Ubuntu); K3s then registers the `nvidia` runtime in its containerd by itself. The NVIDIA device plugin, which
# advertises nvidia.com/gpu, is installed from the server with `kubectl apply` of NVIDIA's k8s-device-plugin
# release manifest, with runtimeClassName nvidia.
set -euo pipefail

: "${K3S_URL:?set K3S_URL to the server, https://<server>:6443}"
: "${K3S_TOKEN:?set K3S_TOKEN to the node token in /var/lib/rancher/k3s/server/node-token on the server}"
command -v nvidia-smi >/dev/null 2>&1 || { echo "gpu-agent: no NVIDIA driver (nvidia-smi)" >&2; exit 2; }
command -v nvidia-container-runtime >/dev/null 2>&1 || { echo "gpu-agent: no NVIDIA container toolkit" >&2; exit 2; }

curl -sfL https://get.k3s.io | K3S_URL="$K3S_URL" K3S_TOKEN="$K3S_TOKEN" \
  INSTALL_K3S_EXEC="agent --node-label imageflowcanvas.io/gpu=true --node-taint nvidia.com/gpu=present:NoSchedule" sh -
echo "joined as $(hostname): labelled imageflowcanvas.io/gpu=true, tainted nvidia.com/gpu=present:NoSchedule"
