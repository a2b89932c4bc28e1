#!/usr/bin/env bash
# Installs ImageFlowCanvas on K3s in the flux2 example's order: controllers, then configs, then apps.
#
#   infra/k3s/install.sh [cpu|gpu|production]
#
# Run it on the K3s server node as root, from the repository after `./mvnw verify` (which builds the function
# images and detect's model). `gpu` pins detect to GPU agents joined with infra/k3s/gpu-agent.sh.
# MINIO_ACCESS_KEY and MINIO_SECRET_KEY become the login of the MinIO it installs (the well-known default is
# refused).
#
# Installed here: K3s (when missing, without Traefik), Knative Serving with Kourier, Argo Workflows, Argo Events,
# Kafka (one KRaft broker), MinIO (notifications of raw to Kafka through a queue directory), the workflow archive
# (PostgreSQL) and artifact repository (MinIO) of Argo Workflows, the Knative features detect needs, monitoring
# (Prometheus with the alert rules, Grafana with the dashboard, an OpenTelemetry Collector and Tempo for traces),
# NVIDIA's device plugin (gpu), the configs (namespace, network policies, runtime class, models claim), the
# Secrets (generated where nobody has to know them), the function images (imported into K3s' containerd: no
# registry needed) and the apps.
set -euo pipefail

variant=${1:-cpu}
case "$variant" in cpu | gpu | production) ;; *) echo "usage: $0 [cpu|gpu|production]" >&2; exit 2 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../.." && pwd)"
# production: three Kafka brokers with logins, four MinIO servers, the apps of cpu logging in (production/).
kafka_dir="$here/controllers/kafka"
minio_dir="$here/controllers/minio"
apps_dir="$here/apps/$variant"
if [ "$variant" = production ]; then
  kafka_dir="$here/production/kafka"
  minio_dir="$here/production/minio"
  apps_dir="$here/production/apps"
fi
knative_version=knative-v1.23.0
argo_workflows_version=v4.1.2
argo_events_version=v1.9.11

: "${MINIO_ACCESS_KEY:?set MINIO_ACCESS_KEY (and MINIO_SECRET_KEY) to your object store login}"
: "${MINIO_SECRET_KEY:?set MINIO_SECRET_KEY}"
if [ "$MINIO_ACCESS_KEY" = minioadmin ] || [ "$MINIO_SECRET_KEY" = minioadmin ]; then
  echo "install: refusing the well-known default login minioadmin on a cluster" >&2
  exit 2
fi
for image in functions/resize functions/filter functions/detect functions/redact triggers/cluster; do
  [ -f "$project/$image/target/jib-image.tar" ] || { echo "install: run ./mvnw verify first (no $image image)" >&2; exit 2; }
done
[ -f "$project/.cache/models/centernet.onnx" ] || { echo "install: run ./mvnw verify first (no detect model in .cache/models)" >&2; exit 2; }
if [ "$variant" = gpu ]; then
  # apps/gpu runs detect from its GPU variant, which the build does not make (docs/cluster.md): without it detect
  # would hold a GPU and compute on the CPU. gpu-agent.sh imports it on each GPU agent; it is checked here first.
  detect_gpu=$(sed -n 's/^ *value: \(dev\.local\/imageflowcanvas\/detect-gpu:.*\)$/\1/p' "$here/apps/gpu/detect-gpu.yaml")
  : "${DETECT_GPU_IMAGE:?install gpu: set DETECT_GPU_IMAGE to the $detect_gpu image tar (docs/cluster.md), or install cpu}"
  "$here/check-image-tar.sh" "$DETECT_GPU_IMAGE" "$detect_gpu"
fi

step() { printf '\n== %s\n' "$*"; }

step "K3s"
if ! command -v k3s >/dev/null 2>&1; then
  # Kourier is the Knative networking layer here, so K3s' Traefik is left out.
  curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="--disable traefik" sh -
fi
export KUBECONFIG=${KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}
kubectl wait --for=condition=Ready node --all --timeout=300s
# The pods that use the Kubernetes API reach it at this cluster's addresses only (no policy in Git can know them).
for namespace in argo monitoring imageflow; do
  kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -
done
"$here/api-server-policies.sh" | kubectl apply -f -

step "controllers: Knative Serving with Kourier, Argo Workflows, Argo Events"
kubectl apply -f "https://github.com/knative/serving/releases/download/$knative_version/serving-crds.yaml"
kubectl apply -f "https://github.com/knative/serving/releases/download/$knative_version/serving-core.yaml"
kubectl apply -f "https://github.com/knative-extensions/net-kourier/releases/download/$knative_version/kourier.yaml"
kubectl patch configmap/config-network -n knative-serving --type merge \
  -p '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}'
kubectl apply -k "$project/knative/serving-features"
kubectl create namespace argo --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n argo --server-side -f "https://github.com/argoproj/argo-workflows/releases/download/$argo_workflows_version/install.yaml"
# Steps are short http calls: requeue after 1 s instead of the controller's 10 s per transition.
kubectl set env -n argo deployment/workflow-controller DEFAULT_REQUEUE_TIME=1s
# The workflow archive's database login: generated once, kept on later installs.
if ! kubectl -n argo get secret argo-postgres-config >/dev/null 2>&1; then
  kubectl -n argo create secret generic argo-postgres-config --from-literal=username=argo \
    --from-literal=password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
fi
kubectl apply -k "$here/controllers/argo-workflows"
# Both read the persistence settings (the archive) only when they start.
kubectl rollout restart -n argo deployment/workflow-controller deployment/argo-server
kubectl create namespace argo-events --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f "https://github.com/argoproj/argo-events/releases/download/$argo_events_version/install.yaml"
kubectl wait --for=condition=Available deployment --all -n knative-serving --timeout=300s
kubectl wait --for=condition=Available deployment --all -n argo --timeout=300s

step "controllers: Kafka and MinIO"
minio_secret() { # namespace
  kubectl -n "$1" create secret generic minio-credentials \
    --from-literal=accesskey="$MINIO_ACCESS_KEY" --from-literal=secretkey="$MINIO_SECRET_KEY" \
    --dry-run=client -o yaml | kubectl apply -f -
}
if [ "$variant" = production ]; then
  # The Kafka clients' login: generated once, kept on later installs, the same in each namespace that uses it.
  if ! kubectl -n kafka get secret kafka-login >/dev/null 2>&1; then
    kubectl create namespace kafka --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n kafka create secret generic kafka-login --from-literal=username=imageflow \
      --from-literal=password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  fi
  kafka_login() { kubectl -n kafka get secret kafka-login -o "jsonpath={.data.$1}" | base64 -d; }
  for namespace in minio imageflow; do
    kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n "$namespace" create secret generic kafka-login --from-literal=username="$(kafka_login username)" \
      --from-literal=password="$(kafka_login password)" --dry-run=client -o yaml | kubectl apply -f -
  done
fi
kubectl apply -k "$kafka_dir"
kubectl create namespace minio --dry-run=client -o yaml | kubectl apply -f -
minio_secret minio
kubectl apply -k "$minio_dir"
kubectl rollout status -n kafka statefulset/kafka --timeout=300s
kubectl rollout status -n minio statefulset/minio --timeout=300s

step "controllers: monitoring and tracing"
kubectl create namespace monitoring --dry-run=client -o yaml | kubectl apply -f -
# Grafana's admin login: generated once, kept on later installs; read it with
#   kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.password}' | base64 -d
if ! kubectl -n monitoring get secret grafana-admin >/dev/null 2>&1; then
  kubectl -n monitoring create secret generic grafana-admin --from-literal=username=admin \
    --from-literal=password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
fi
kubectl apply -k "$here/controllers/monitoring"
if [ "$variant" = gpu ]; then
  kubectl apply -k "$here/controllers/nvidia-device-plugin"
fi

step "configs: namespace, network policies, runtime class, models claim, Secrets"
kubectl apply -k "$here/configs"
minio_secret imageflow
# The archive backup (controllers/argo-workflows) stores its dumps in MinIO.
minio_secret argo
# The canvas reads archived runs with the archive's login.
archive_login() { kubectl -n argo get secret argo-postgres-config -o "jsonpath={.data.$1}" | base64 -d; }
kubectl -n imageflow create secret generic argo-archive-login --from-literal=username="$(archive_login username)" \
  --from-literal=password="$(archive_login password)" --dry-run=client -o yaml | kubectl apply -f -

step "configs: detect's models into the imageflow-models claim"
# A short-lived pod mounts the claim (on a GPU agent for gpu, where detect runs and a local volume must be) and
# receives .cache/models through kubectl cp.
placement=''
if [ "$variant" = gpu ]; then
  placement='"nodeSelector":{"imageflowcanvas.io/gpu":"true"},"tolerations":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}],'
fi
loader='{"spec":{'"$placement"'"securityContext":{"runAsUser":65532,"fsGroup":65532},
  "volumes":[{"name":"models","persistentVolumeClaim":{"claimName":"imageflow-models"}}],
  "containers":[{"name":"models-loader","image":"busybox:1.37","command":["sleep","600"],
    "volumeMounts":[{"name":"models","mountPath":"/models"}]}]}}'
kubectl -n imageflow delete pod models-loader --ignore-not-found
kubectl -n imageflow run models-loader --image=busybox:1.37 --restart=Never --overrides="$loader"
kubectl -n imageflow wait --for=condition=Ready pod/models-loader --timeout=300s
kubectl -n imageflow cp "$project/.cache/models/." models-loader:/models
kubectl -n imageflow delete pod models-loader --wait=false

step "apps: images, Knative Services, the default pipeline, the canvas"
for image in functions/resize functions/filter functions/detect functions/redact triggers/cluster; do
  k3s ctr images import "$project/$image/target/jib-image.tar"
done
# The canvas's API token: generated once, kept on later installs.
if ! kubectl -n imageflow get secret imageflow-canvas-token >/dev/null 2>&1; then
  kubectl -n imageflow create secret generic imageflow-canvas-token \
    --from-literal=token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
fi
kubectl apply -k "$apps_dir"
kubectl wait --for=condition=Ready ksvc --all -n imageflow --timeout=600s || true
kubectl get ksvc -n imageflow
kubectl -n imageflow rollout status deployment/imageflow-canvas --timeout=300s || true
cat <<'EOF'

The canvas: kubectl -n imageflow port-forward svc/imageflow-canvas 8090, then http://127.0.0.1:8090/ with the token
  kubectl -n imageflow get secret imageflow-canvas-token -o jsonpath='{.data.token}' | base64 -d
EOF
