#!/usr/bin/env bash
# Prints the NetworkPolicies that let the pods which talk to the Kubernetes API reach it, and nothing else on its
# ports (and Prometheus the nodes' kubelets, for the containers' CPU and memory): the kubernetes Service's address on 443 and the API server's own addresses and port behind it (a policy
# sees a Service's traffic after it was sent on to an endpoint, so both are named). They belong to one cluster, so
# they are made here and kept out of Git, like its Secrets; install.sh and gitops/bootstrap.sh apply them.
#
#   infra/k3s/api-server-policies.sh | kubectl apply -f -                 # this cluster's addresses
#   infra/k3s/api-server-policies.sh SERVICE_IP PORT ADDRESS [ADDRESS...]  # given ones (tests)
set -euo pipefail

if [ $# -eq 0 ]; then
  service_ip=$(kubectl get service kubernetes -n default -o jsonpath='{.spec.clusterIP}')
  port=$(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
    -o jsonpath='{.items[0].ports[0].port}')
  read -r -a addresses <<<"$(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
    -o jsonpath='{.items[*].endpoints[*].addresses[*]}')"
  read -r -a nodes <<<"$(kubectl get nodes \
    -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}')"
elif [ $# -ge 3 ]; then
  service_ip=$1
  port=$2
  shift 2
  addresses=("$@")
  # Given addresses are a K3s server's: the node whose kubelet Prometheus reads.
  nodes=("$@")
else
  echo "usage: $0 [SERVICE_IP PORT ADDRESS...]" >&2
  exit 2
fi
valid() { [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; }
valid "$service_ip" || { echo "api-server-policies: no IPv4 service address: '$service_ip'" >&2; exit 2; }
[[ $port =~ ^[0-9]+$ ]] || { echo "api-server-policies: no port: '$port'" >&2; exit 2; }
[ ${#addresses[@]} -gt 0 ] || { echo "api-server-policies: no API server address" >&2; exit 2; }
for address in "${addresses[@]}" "${nodes[@]}"; do
  valid "$address" || { echo "api-server-policies: not an IPv4 address: '$address'" >&2; exit 2; }
done

# name, namespace, pod selector (YAML flow): the pods of ours and of Argo that use the API.
policy() {
  printf -- '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: %s\n' "$1"
  printf '  namespace: %s\n  labels:\n    app.kubernetes.io/part-of: imageflowcanvas\n' "$2"
  printf 'spec:\n  podSelector: %s\n  policyTypes:\n    - Egress\n  egress:\n' "$3"
  printf '    - to:\n        - ipBlock:\n            cidr: %s/32\n      ports:\n        - protocol: TCP\n' "$service_ip"
  printf '          port: 443\n    - to:\n'
  for address in "${addresses[@]}"; do
    printf '        - ipBlock:\n            cidr: %s/32\n' "$address"
  done
  printf '      ports:\n        - protocol: TCP\n          port: %s\n' "$port"
}

# Argo's agent and the Sensors (every pod in imageflow but the functions and the canvas), the canvas, Argo's
# controller and server, Prometheus' discovery.
policy argo-api-server imageflow \
  '{matchExpressions: [{key: app.kubernetes.io/component, operator: NotIn, values: [function, canvas]}]}'
policy canvas-api-server imageflow '{matchLabels: {app.kubernetes.io/name: imageflow-canvas}}'
policy argo-api-server argo '{matchExpressions: [{key: app, operator: In, values: [workflow-controller, argo-server]}]}'
policy prometheus-api-server monitoring '{matchLabels: {app.kubernetes.io/name: prometheus}}'

# Prometheus reads the containers' CPU and memory from each node's kubelet (cAdvisor, port 10250). A K3s server is a
# node too; agents add theirs.
printf -- '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: prometheus-kubelets\n'
printf '  namespace: monitoring\n  labels:\n    app.kubernetes.io/part-of: imageflowcanvas\n'
printf 'spec:\n  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}\n  policyTypes:\n    - Egress\n'
printf '  egress:\n    - to:\n'
for address in "${nodes[@]}"; do
  printf '        - ipBlock:\n            cidr: %s/32\n' "$address"
done
printf '      ports:\n        - protocol: TCP\n          port: 10250\n'
