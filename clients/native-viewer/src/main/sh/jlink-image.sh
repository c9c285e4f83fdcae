#!/bin/sh
# Builds target/porthole-viewer-linux: a Java runtime trimmed by jlink to what porthole-viewer
# uses, the jar and its libraries, and bin/porthole-viewer. Run after `mvn package`
# (or `mvn -Pjlink package`, which runs it). Needs the JDK's jlink.
set -eu
here=$(cd "$(dirname "$0")/../../.." && pwd)
target="$here/target"
image="$target/porthole-viewer-linux"
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
# Kerberos needs three modules: java.security.jgss (JGSS), jdk.security.auth (Krb5LoginModule,
# the ticket cache login of Negotiate and --sso) and jdk.security.jgss (ExtendedGSSContext: without
# it the ok-as-delegate policy silently never delegates).
modules=java.base,java.desktop,java.net.http,java.security.jgss,java.sql,jdk.crypto.ec
modules=$modules,jdk.security.auth,jdk.security.jgss
rm -rf "$image"
"$jlink" --add-modules "$modules" \
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
# Smoke check: the image starts, and holds every module named above.
"$image/bin/porthole-viewer" --help >/dev/null
listed=$("$image/runtime/bin/java" --list-modules)
for m in $(echo "$modules" | tr ',' ' '); do
  echo "$listed" | grep -q "^$m@" || { echo "jlink image lacks module $m" >&2; exit 1; }
done
echo "built $image ($(du -sh "$image" | cut -f1))"
