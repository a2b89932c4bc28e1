#!/usr/bin/env bash
# Runs a benchmark's main class in a JVM started as the launcher (imageflow) starts up: on up's class path, the AOT
# cache the CLI's build trained for it, which the JVM must take (AOTMode=on) rather than measure a runner without it,
# and the ONNX Runtime libraries the build unpacked (triggers/cli/src/build/aot-cache.sh). The benchmark's own
# classes come after up's. Run from the project root, after the CLI's build.
# Arguments: JAVA_HOME, the benchmark's class path, the main class, then its arguments.
set -euo pipefail
java_home=$1 bench_classpath=$2 main=$3
shift 3
cli_target=triggers/cli/target
exec "$java_home/bin/java" -XX:AOTCache="$cli_target/imageflow-up.aot" -XX:AOTMode=on -Xlog:aot*=off \
  -Donnxruntime.native.path="$cli_target/native/onnxruntime" --enable-native-access=ALL-UNNAMED \
  -cp "$(cat "$cli_target/launcher-classpath.txt"):$(cat "$cli_target/runner-classpath.txt"):$bench_classpath" \
  "$main" "$@"
