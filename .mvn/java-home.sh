# Sourced by ./mvnw and ./imageflow: sets JAVA_HOME to a JDK of the feature version in .mvn/wrapper.properties,
# keeping a JAVA_HOME that already is one.
java_version="$(sed -n 's/^java.version=//p' "$(dirname "${BASH_SOURCE[0]}")/wrapper.properties")"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q "version \"$java_version"; then
  for candidate in /usr/lib/jvm/temurin-"$java_version"-jdk-* /usr/lib/jvm/java-"$java_version"-*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q "version \"$java_version"; then
  echo "Java $java_version not found; install a JDK $java_version under /usr/lib/jvm or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
