#!/usr/bin/env bash
# Writes the launcher's class paths and makes its two AOT caches (JDK 25), both after the jar and target/classpath.txt
# (package phase). The class path starts with the module's jar: every class the JVM looks up is searched jar by
# jar in this order. Each cache is one training run on exactly the class path and flags the launcher (imageflow)
# gives the commands it serves: CacheTraining for the short commands (target/imageflow-cli.aot), UpTraining for up,
# whose class path adds the runner's jars (target/imageflow-up.aot). The JVM refuses a cache made with other flags.
# Arguments: JAVA_HOME, the module's target folder, the jar's file name, and optionally which cache alone to make
# again (cli or up), as the launcher does when a jar changed after the build made them.
set -euo pipefail
java_home=$1 target=$2 jar=$3 only=${4:-}
root="$(cd "$target/../../.." && pwd)"
# The caches are made with the launcher's flags alone: options from the environment (a test's -XX:AOTMode=on) would
# stop the training or be taken into the cache.
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS
if [ -z "$only" ]; then
  printf '%s' "$target/$jar:$(cat "$target/classpath.txt")" > "$target/launcher-classpath.txt"
  rm -f "$target/imageflow-cli.aot" "$target/imageflow-up.aot"
fi
# Each cache is made under a name of its own and then moved into place: a command started meanwhile, or a second
# launcher making the same cache, sees a whole cache or none.
partial="$target/.imageflow-$$"
trap 'rm -f "$partial".*' EXIT
# The JVM reports its progress (and the whole class path) on both streams: kept in a log, shown on failure.
if [ -z "$only" ] || [ "$only" = cli ]; then
  if ! "$java_home/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:AOTCacheOutput="$partial.cli.aot" -Xlog:disable -Xlog:all=error:stderr \
    --enable-native-access=ALL-UNNAMED -cp "$(cat "$target/launcher-classpath.txt")" \
    io.imageflowcanvas.cli.CacheTraining > "$target/aot-cache.log" 2>&1; then
    cat "$target/aot-cache.log" >&2
    exit 1
  fi
  mv -f "$partial.cli.aot" "$target/imageflow-cli.aot"
fi
# up: the runner started, three photos through the default pipeline 30 times; its output (the functions' logs) kept.
# First ONNX Runtime's native libraries for this machine, unpacked from its jar into target/native/onnxruntime, where
# the launcher points up at them (onnxruntime.native.path): otherwise every start copies them (20 MB) into a new
# folder under /tmp, 0.12 s of the start, and loads them from there; a killed process leaves the copy behind.
if [ -z "$only" ] || [ "$only" = up ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x64 ;;
    Linux-aarch64) platform=linux-aarch64 ;;
    Darwin-arm64) platform=osx-aarch64 ;;
    Darwin-x86_64) platform=osx-x64 ;;
    *) platform= ;;
  esac
  ort=()
  if [ -n "$platform" ]; then
    "$java_home/bin/java" "$root/functions/image/NativeLibraries.java" "$target/native/onnxruntime" \
      "$(cat "$target/runner-classpath.txt")" "ai/onnxruntime/native/$platform/*" "" > /dev/null
    ort=(-Donnxruntime.native.path="$target/native/onnxruntime")
  fi
  if ! "$java_home/bin/java" -XX:AOTCacheOutput="$partial.up.aot" ${ort[@]+"${ort[@]}"} \
    --enable-native-access=ALL-UNNAMED \
    -cp "$(cat "$target/launcher-classpath.txt"):$(cat "$target/runner-classpath.txt")" \
    io.imageflowcanvas.cli.UpTraining "$root" > "$target/up-cache.log" 2>&1; then
    tail -n 60 "$target/up-cache.log" >&2
    exit 1
  fi
  mv -f "$partial.up.aot" "$target/imageflow-up.aot"
fi
