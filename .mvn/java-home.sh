# Sourced by ./mvnw and ./imageflow: sets JAVA_HOME to a JDK of the feature version in .mvn/wrapper.properties,
# keeping a JAVA_HOME that already is one. A JDK's version is read from its release file: starting `java -version`
# to ask would cost two JVM starts on every command.
java_version="$(sed -n 's/^java.version=//p' "$(dirname "${BASH_SOURCE[0]}")/wrapper.properties")"
is_wanted_jdk() {
  [ -x "$1/bin/java" ] && grep -q "^JAVA_VERSION=\"$java_version[.\"]" "$1/release" 2>/dev/null
}
if [ -z "${JAVA_HOME:-}" ] || ! is_wanted_jdk "$JAVA_HOME"; then
  JAVA_HOME=
  for candidate in /usr/lib/jvm/temurin-"$java_version"-jdk-* /usr/lib/jvm/java-"$java_version"-*; do
    if is_wanted_jdk "$candidate"; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "$JAVA_HOME" ]; then
  echo "Java $java_version not found; install a JDK $java_version under /usr/lib/jvm or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
