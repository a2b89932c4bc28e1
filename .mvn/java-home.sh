# Sourced by ./mvnw and ./imageflow: sets JAVA_HOME to a JDK of the feature version in .mvn/wrapper.properties,
# keeping a JAVA_HOME that already is one. A JDK's version is read from its release file: starting `java -version`
# to ask would cost two JVM starts on every command.
# Read with bash alone: this runs before every imageflow command, where each process started costs milliseconds.
java_version=
while IFS='=' read -r key value || [ -n "$key" ]; do
  if [ "$key" = java.version ]; then java_version="${value%$'\r'}"; fi
done < "${BASH_SOURCE[0]%/*}/wrapper.properties"
unset key value
is_wanted_jdk() {
  local line
  [ -x "$1/bin/java" ] && [ -r "$1/release" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "JAVA_VERSION=\"$java_version\"" | "JAVA_VERSION=\"$java_version."*) return 0 ;;
    esac
  done < "$1/release"
  return 1
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
