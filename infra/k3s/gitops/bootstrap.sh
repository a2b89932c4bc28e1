#!/usr/bin/env bash
# Hands an installed cluster to Argo CD: installs Argo CD (when missing), lets sync waves of Applications wait for
# health, and applies the GitOps set, whose parent Application then keeps itself and its children in sync.
#
#   infra/k3s/gitops/bootstrap.sh [cpu|gpu]
#
# Run it after infra/k3s/install.sh (the upstream releases and the Secrets stay out of Git), from your fork, once
# base/settings.yaml names that fork and the change is pushed: Argo CD renders the set from Git.
set -euo pipefail

variant=${1:-cpu}
case "$variant" in cpu | gpu) ;; *) echo "usage: $0 [cpu|gpu]" >&2; exit 2 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
argocd_version=v3.5.1

if grep -q 'git.invalid' "$here/base/settings.yaml"; then
  echo "bootstrap: set your fork's URL in $here/base/settings.yaml (repoURL) and push it first" >&2
  exit 2
fi
export KUBECONFIG=${KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}

if ! kubectl get namespace argocd >/dev/null 2>&1; then
  kubectl create namespace argocd
  kubectl apply -n argocd --server-side -f "https://raw.githubusercontent.com/argoproj/argo-cd/$argocd_version/manifests/install.yaml"
fi
# Cluster-specific, so not in Git: the pods that use the Kubernetes API reach it at this cluster's addresses.
"$here/../api-server-policies.sh" | kubectl apply -f -
kubectl -n argocd patch configmap argocd-cm --type merge --patch-file "$here/application-health.yaml"
kubectl -n argocd wait --for=condition=Available deployment --all --timeout=300s
kubectl apply -k "$here/$variant"
echo "Argo CD syncs the cluster now: kubectl -n argocd get applications"
