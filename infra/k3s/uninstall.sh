#!/usr/bin/env bash
# Removes what install.sh put on the cluster, in reverse order: apps, configs, controllers. K3s itself stays
# (its own k3s-uninstall.sh removes it).
#
#   infra/k3s/uninstall.sh [cpu|gpu]
set -euo pipefail

variant=${1:-cpu}
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../.." && pwd)"
export KUBECONFIG=${KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}

kubectl delete -k "$here/apps/$variant" --ignore-not-found
kubectl -n imageflow delete secret imageflow-canvas-token --ignore-not-found
kubectl delete -k "$here/configs" --ignore-not-found
kubectl delete -k "$project/knative/serving-features" --ignore-not-found
# The data of Kafka and MinIO goes with their namespaces (their volume claims).
kubectl delete -k "$here/controllers/minio" --ignore-not-found
kubectl delete -k "$here/controllers/kafka" --ignore-not-found
kubectl delete -k "$here/controllers/argo-workflows" --ignore-not-found
# Metrics and traces go with the monitoring namespace (their volume claims).
kubectl delete -k "$here/controllers/monitoring" --ignore-not-found
if [ "$variant" = gpu ]; then
  kubectl delete -k "$here/controllers/nvidia-device-plugin" --ignore-not-found
fi
kubectl delete namespace argo-events argo kourier-system knative-serving --ignore-not-found
kubectl get crd -o name | grep -E 'argoproj.io|knative.dev' | xargs -r kubectl delete
