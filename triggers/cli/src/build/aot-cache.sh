#!/usr/bin/env bash
# Writes the launcher's class paths and makes its two AOT caches (JDK 25), both after the jar and target/classpath.txt
# (package phase). The class path starts with the module's jar: every class the JVM looks up is searched jar by
# jar in this order. Each cache is one training run on exactly the class path and flags the launcher (imageflow)
# gives the commands it serves: CacheTraining for the short commands (target/imageflow-cli.aot), UpTraining for up,
# whose class path adds the runner's jars (target/imageflow-up.aot). The JVM refuses a cache made with other flags.
# Arguments: JAVA_HOME, the module's target folder, the jar's file name.
set -euo pipefail
java_home=$1 target=$2 jar=$3
root="$(cd "$target/../../.." && pwd)"
printf '%s' "$target/$jar:$(cat "$target/classpath.txt")" > "$target/launcher-classpath.txt"
rm -f "$target/imageflow-cli.aot" "$target/imageflow-up.aot"
# The JVM reports its progress (and the whole class path) on both streams: kept in a log, shown on failure.
if ! "$java_home/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -XX:AOTCacheOutput="$target/imageflow-cli.aot" -Xlog:disable -Xlog:all=error:stderr \
  --enable-native-access=ALL-UNNAMED -cp "$(cat "$target/launcher-classpath.txt")" \
  io.imageflowcanvas.cli.CacheTraining > "$target/aot-cache.log" 2>&1; then
  cat "$target/aot-cache.log" >&2
  exit 1
fi
# up: the runner started, three photos through the default pipeline; its output (the functions' logs) kept too.
if ! "$java_home/bin/java" -XX:AOTCacheOutput="$target/imageflow-up.aot" --enable-native-access=ALL-UNNAMED \
  -cp "$(cat "$target/launcher-classpath.txt"):$(cat "$target/runner-classpath.txt")" \
  io.imageflowcanvas.cli.UpTraining "$root" > "$target/up-cache.log" 2>&1; then
  tail -n 60 "$target/up-cache.log" >&2
  exit 1
fi
