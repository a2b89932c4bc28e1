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
if [ -z "$only" ] || [ "$only" = up ]; then
  if ! "$java_home/bin/java" -XX:AOTCacheOutput="$partial.up.aot" --enable-native-access=ALL-UNNAMED \
    -cp "$(cat "$target/launcher-classpath.txt"):$(cat "$target/runner-classpath.txt")" \
    io.imageflowcanvas.cli.UpTraining "$root" > "$target/up-cache.log" 2>&1; then
    tail -n 60 "$target/up-cache.log" >&2
    exit 1
  fi
  mv -f "$partial.up.aot" "$target/imageflow-up.aot"
fi
