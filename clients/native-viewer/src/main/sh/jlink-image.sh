#!/bin/sh
# Builds target/porthole-viewer-linux: a Java runtime trimmed by jlink to what porthole-viewer
# uses, the jar and its libraries, and bin/porthole-viewer. Run after `mvn package`
# (or `mvn -Pjlink package`, which runs it). Needs the JDK's jlink.
set -eu
here=$(cd "$(dirname "$0")/../../.." && pwd)
target="$here/target"
image="$target/porthole-viewer-linux"
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
rm -rf "$image"
"$jlink" --add-modules java.base,java.desktop,java.net.http,java.security.jgss,java.sql,jdk.crypto.ec \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$image/runtime"
mkdir -p "$image/app/lib" "$image/bin"
cp "$target/porthole-viewer.jar" "$image/app/"
cp "$target"/lib/*.jar "$image/app/lib/"
cat > "$image/bin/porthole-viewer" <<'LAUNCHER'
#!/bin/sh
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/runtime/bin/java" -jar "$here/app/porthole-viewer.jar" "$@"
LAUNCHER
chmod 755 "$image/bin/porthole-viewer"
echo "built $image ($(du -sh "$image" | cut -f1))"
