#!/usr/bin/env bash
# The hardening report: runs the fault-injection, burst and hostile-input suites (the same tests the README's test
# command runs) and prints their counts, then the burst benchmark against the slowest step's single-process rate.
# Environment: BURST_IMAGES (default 300) and BURSTS (default 4) for the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup >/dev/null
java="$(sed -n 's/^java.version=//p' .mvn/wrapper.properties)"
JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-"$java"-jdk-* | head -n 1)
export JAVA_HOME

log=$(mktemp)
trap 'rm -f "$log"' EXIT
./mvnw -q -pl triggers/local -am test -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='FaultInjectionTests,BurstTests,HostileInputTests,CameraEventsTests,CameraIngressTests' >"$log" 2>&1 || { tail -50 "$log"; exit 1; }
echo "faults (each: inputs, runs, outputs; lost and duplicated must be 0)"
grep -a '^fault: ' "$log" | sed 's/^fault: /  /'
echo "burst and hostile input"
grep -a '^burst: \|^hostile input: ' "$log" | sed 's/^/  /'
echo

# The burst runs as imageflow up runs (bench/as-up.sh), so the CLI is built too (about a minute more).
./mvnw -q -pl bench,triggers/cli -am package -DskipTests >/dev/null 2>&1
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
bench/as-up.sh "$JAVA_HOME" "$classpath" io.imageflowcanvas.bench.BurstBench .cache/models "${BURST_IMAGES:-300}" \
  .cache/photos/dog.jpg .cache/photos/horses.jpg .cache/photos/person.jpg .cache/photos/scream.jpg 2>/dev/null \
  | grep -v '^[0-9{]'
