#!/usr/bin/env bash
# Writes the launcher's class path and makes its AOT cache (JDK 25), both after the jar and target/classpath.txt
# (package phase). The class path starts with the module's jar: every class the JVM looks up is searched jar by
# jar in this order. The cache is one training run of CacheTraining on exactly that class path and
# the launcher's flags for short commands, so that the launcher's next starts load and link those classes from
# target/imageflow-cli.aot.
# Arguments: JAVA_HOME, the module's target folder, the jar's file name.
set -euo pipefail
java_home=$1 target=$2 jar=$3
printf '%s' "$target/$jar:$(cat "$target/classpath.txt")" > "$target/launcher-classpath.txt"
rm -f "$target/imageflow-cli.aot"
# The JVM reports its progress (and the whole class path) on both streams: kept in a log, shown on failure.
# The flags must be those the launcher gives short commands (imageflow): the cache is refused otherwise.
if ! "$java_home/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -XX:AOTCacheOutput="$target/imageflow-cli.aot" -Xlog:disable -Xlog:all=error:stderr \
  --enable-native-access=ALL-UNNAMED -cp "$(cat "$target/launcher-classpath.txt")" \
  io.imageflowcanvas.cli.CacheTraining > "$target/aot-cache.log" 2>&1; then
  cat "$target/aot-cache.log" >&2
  exit 1
fi
