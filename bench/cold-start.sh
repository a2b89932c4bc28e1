#!/usr/bin/env bash
# Cold start of the three functions, side by side: the plain Spring Boot jar, the image without its AOT cache and
# the image with it (podman), each from start to the first CloudEvent answered for a real photo on a real S3
# server; plus the floor of a container start here. Prints medians and ratios (bench/README.md).
# Environment: ROUNDS (starts per variant, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup >/dev/null
# shellcheck source=../.mvn/java-home.sh
. .mvn/java-home.sh
# The images (with their trained AOT caches) are made up to pre-integration-test; no tests needed here.
./mvnw -q verify -pl bench -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -DskipITs >&2
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" io.imageflowcanvas.bench.ColdStartBench \
  "${ROUNDS:-5}" 2>&1 | grep -v '^[0-9{]'
