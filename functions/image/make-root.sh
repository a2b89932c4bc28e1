#!/usr/bin/env bash
# Makes the root file system the function images start from, without any registry: glibc, the C++ runtime and
# zlib from Debian's packages (OpenCV and ONNX Runtime link against them), a Java runtime jlink'ed from the JDK
# that builds the project, a non-root user and a writable /tmp. Jib adds it to a `scratch` base as an extra
# directory. The result is cached in .cache/image-root/root/ and made again when the JDK or a package changes.
#
#   functions/image/make-root.sh JAVA_HOME
set -euo pipefail

java_home=$1
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../.." && pwd)"
packages=(libc6 libstdc++6 libgcc-s1 zlib1g)
# What the functions need of the JDK (Spring Boot, JMX metrics, JNI for OpenCV and ONNX Runtime, the JDK's HTTP
# server they and the cluster's canvas serve on).
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.jfr,jdk.management,jdk.httpserver,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

java_version="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
versions=""
for package in "${packages[@]}"; do
  versions="$versions-$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || apt-cache policy "$package" | sed -n 's/ *Candidate: //p')"
done
key="$java_version$versions-$modules"
root="$project/.cache/image-root/root"

if [ "$(cat "$root/.complete" 2>/dev/null)" != "$key" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && { apt-get download -qq "${packages[@]}" 2>/dev/null || { apt-get update -qq && apt-get download -qq "${packages[@]}"; }; })
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/debs"; done
  rm -rf "$root"
  mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/etc" "$root/tmp" "$root/opt" "$root/models"
  # Shared objects only, links resolved (Jib copies files, not links).
  find "$work/debs" \( -path '*/x86_64-linux-gnu/*.so*' -o -name 'ld-linux-x86-64.so.2' \) \
    \( -type f -o -type l \) ! -path '*/gconv/*' ! -path '*/audit/*' ! -name '*.py' |
    while read -r lib; do cp -L "$lib" "$root/lib/x86_64-linux-gnu/$(basename "$lib")"; done
  cp -L "$root/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"
  printf '/lib/x86_64-linux-gnu\n' > "$root/etc/ld.so.conf"
  ldconfig -r "$root" 2>/dev/null || true
  printf 'root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/tmp:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress zip-6 --output "$root/opt/java"
  # The class data sharing archive for this runtime: faster starts, for free.
  "$root/opt/java/bin/java" -Xshare:dump >/dev/null 2>&1 || true
  echo "$key" > "$root/.complete"
fi
echo "image root: $root ($key)"
