#!/usr/bin/env bash
# Builds the base images of Porthole's services into the local Docker daemon, without any registry:
#   porthole/jre:17          a jlink'd Java 17 runtime on scratch: the modules the services need,
#                            the ldd closure of its libraries, /etc/passwd and /etc/group with the
#                            user porthole (10001:10001), and /tmp (the only writable path at run time)
#   porthole/jre-libvirt:17  porthole/jre:17 plus libvirt's client libraries (libvirt.so.0 and
#                            libvirt-qemu.so.0, which the host agent loads through JNA) and their
#                            ldd closure, ICU's data library replaced by ICU's own stub (below)
# Each image carries the digest of its inputs (label org.porthole.base.input: this script, the JDK,
# the module list, every library copied); an image whose digest matches is kept, so a second run
# only hashes. Runs from `./mvnw -Pimages` (services' images profile) and by hand:
#   deploy/images/build-base.sh            DOCKER (default /usr/bin/docker) and JDK17 may be set
#   deploy/images/build-base.sh --once     the same, skipped when it already succeeded for the same
#                                          parent process (Maven runs it so: the three services of
#                                          one build check the bases once)
set -euo pipefail
cd "$(dirname "$0")"

DOCKER=${DOCKER:-/usr/bin/docker}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)}
JRE_IMAGE=porthole/jre:17
LIBVIRT_IMAGE=porthole/jre-libvirt:17
INPUT_LABEL=org.porthole.base.input
USER_ID=10001
# What the three services use: jdeps --print-module-deps over each service's classes and libraries
# (README.md) less java.desktop (java.beans, AWT: optional code paths of Jackson, JNA, the PostgreSQL
# driver's geometry types) and jdk.compiler (Vert.x code generation, a build tool); plus modules
# that are loaded as services or by name and that jdeps cannot see: jdk.crypto.ec (TLS with EC keys
# and ECDHE), jdk.security.auth (Krb5LoginModule, the engine's Kerberos), jdk.management (the CPU
# and memory metrics of com.sun.management), jdk.httpserver (plain HTTP admin endpoints), jdk.net
# and jdk.zipfs (socket options, zip file systems), jdk.jfr (flight recordings of a live service).
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs
# glibc's compatibility libraries and libgcc_s: native code inside the services' jars (Netty's epoll
# and BoringSSL, JNA's dispatcher, extracted to /tmp at run time) links them, and glibc loads
# libgcc_s itself when a thread is cancelled.
EXTRA_LIBS=(libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6 libgcc_s.so.1)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
# ICU's data stub (libicudata without data), built from Debian's icu source package and kept here
# by ICU major version, outside the clone like the Kubernetes binaries.
ICU_CACHE=${ICU_CACHE:-/var/cache/porthole/icu-stubdata}
SRC_LIST=/etc/apt/sources.list.d/porthole-bookworm-src.sources

say() { printf 'build-base: %s\n' "$*"; }
die() { printf 'build-base: %s\n' "$*" >&2; exit 1; }

[[ -f $JDK17/jmods/java.base.jmod ]] || die "no Java 17 jmods in $JDK17 (apt-get install openjdk-17-jdk-headless)"
command -v strip >/dev/null || die "no strip (apt-get install binutils)"
"$DOCKER" info >/dev/null 2>&1 || die "Docker does not answer through $DOCKER (./porthole setup starts dockerd)"

# The shared libraries ELF files named on stdin need, as host paths, the dynamic loader included;
# libraries found inside the runtime itself ($1) are left out. With $2 = strict, a library that is
# not found stops the build (but libjvm.so: the launcher loads it before the libraries that need it).
needed_libs() {
  local inside=$1 strict=${2:-} out
  out=$(xargs -r ldd 2>/dev/null || true)
  local missing
  missing=$(grep 'not found' <<<"$out" | grep -v 'libjvm\.so' | sort -u | tr -s ' \t\n' ' ' || true)
  [[ $strict == strict && -n $missing ]] && die "missing libraries: $missing"
  awk '/=> \// {print $3} /^\t\/[^ ]+ \(0x/ {print $1}' <<<"$out" | grep -v "^$inside" | sort -u
}

# Host paths on stdin as their canonical directory plus file name (the file itself may be a
# symlink: copy_libs copies its contents): /lib/x86_64-linux-gnu/libc.so.6 becomes
# /usr/lib/x86_64-linux-gnu/libc.so.6 on a merged-/usr host, so a library that ldd names under
# both /lib and /usr/lib is copied once.
canonical() {
  local path
  while read -r path; do
    [[ -n $path ]] && printf '%s/%s\n' "$(realpath "$(dirname "$path")")" "$(basename "$path")"
  done | sort -u
}

# The host paths of EXTRA_LIBS.
extra_libs() {
  local lib
  for lib in "${EXTRA_LIBS[@]}"; do
    [[ -e /lib/$MULTIARCH/$lib ]] || die "missing /lib/$MULTIARCH/$lib"
    echo "/lib/$MULTIARCH/$lib"
  done
}

# libvirt-java loads libvirt.so.0 and libvirt-qemu.so.0 (QEMU's monitor commands).
libvirt_library() {
  local lib
  for lib in libvirt.so.0 libvirt-qemu.so.0; do
    [[ -e /usr/lib/$MULTIARCH/$lib ]] || die "missing /usr/lib/$MULTIARCH/$lib (apt-get install libvirt0)"
    echo "/usr/lib/$MULTIARCH/$lib"
  done
}

# The runtime's ELF files: its launcher, helpers and shared libraries.
runtime_elves() {
  find "$1" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \)
}

# Digest of a list of host files (names and contents) plus any extra text on the command line.
digest() {
  { printf '%s\n' "$@"; xargs -r sha256sum; } | sha256sum | cut -d' ' -f1
}

# Removes image $1 (an id) once no tag names it any more: the image a rebuild replaced.
drop_replaced() {
  [[ -n $1 ]] || return 0
  if [[ $("$DOCKER" image inspect -f '{{len .RepoTags}}' "$1" 2>/dev/null) == 0 ]]; then
    "$DOCKER" rmi "$1" >/dev/null 2>&1 || true
  fi
}

image_id() {
  "$DOCKER" image inspect -f '{{.Id}}' "$1" 2>/dev/null || true
}

current_input() {
  "$DOCKER" image inspect -f "{{index .Config.Labels \"$INPUT_LABEL\"}}" "$1" 2>/dev/null || true
}

# Copies host files into the root $1 at their own paths, symlinks resolved to their contents.
copy_libs() {
  local root=$1 lib
  while read -r lib; do
    [[ -n $lib ]] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

write_etc() {
  local etc=$1/etc
  mkdir -p "$etc"
  # Both homes are /tmp, the one writable path: JNA and Netty unpack their native code there.
  printf 'root:x:0:0:root:/tmp:/sbin/nologin\nporthole:x:%s:%s:porthole:/tmp:/sbin/nologin\n' \
    "$USER_ID" "$USER_ID" >"$etc/passwd"
  printf 'root:x:0:\nporthole:x:%s:\n' "$USER_ID" >"$etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$etc/nsswitch.conf"
}

# The host's merged-/usr links (/lib -> usr/lib, /lib64 -> usr/lib64 on Debian 12): the ELF
# interpreter is /lib64/ld-linux-x86-64.so.2 in every binary, and the libraries live under /usr.
write_usr_links() {
  local d
  for d in lib lib64 bin sbin; do
    [[ -L /$d ]] && ln -s "$(readlink "/$d")" "$1/$d"
  done
  return 0
}

jdk_fingerprint() {
  printf '%s\n' "$(cat "$JDK17/release")" "$MODULES"
  sha256sum "$JDK17"/jmods/*.jmod
}

build_jre() {
  local work=$1 input=$2 root=$1/jre
  say "building $JRE_IMAGE (jlink: $MODULES)"
  nice -n 10 "$JDK17/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages \
    --no-header-files --compress=2 --output "$root/opt/java"
  keep_present_providers "$root/opt/java"
  # Debian's libjvm.so keeps its symbol tables (24 MB; 20 MB without them).
  runtime_elves "$root" | xargs -r strip -p --strip-unneeded
  jre_libs "$root" | copy_libs "$root"
  write_usr_links "$root"
  write_etc "$root"
  mkdir -m 1777 "$root/tmp"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
    "$DOCKER" import \
      --change "ENV PATH=/opt/java/bin JAVA_HOME=/opt/java" \
      --change "USER $USER_ID:$USER_ID" \
      --change "WORKDIR /tmp" \
      --change "LABEL org.opencontainers.image.title=porthole/jre org.opencontainers.image.version=17 $INPUT_LABEL=$input" \
      - "$JRE_IMAGE" >/dev/null
}

# The JDK's java.security lists twelve security providers; three live in modules this runtime leaves
# out (XMLDSig: java.xml.crypto, SunPCSC: java.smartcardio, SunPKCS11: jdk.crypto.cryptoki). The JDK
# looks a provider it cannot find built in up through ServiceLoader, which instantiates every
# provider on the class path on the way: BouncyCastle's two, whose constructors register thousands
# of algorithms (the host agent loaded 800 BouncyCastle classes for it, about 0.5 s of its start,
# the first time TLS asked for a cipher no earlier provider has). So the runtime's java.security
# lists only the providers whose module the runtime of $1 holds, renumbered in their order; a
# provider name this script does not know stops the build.
keep_present_providers() {
  local java=$1 conf=$1/conf/security/java.security name n=0 kept=()
  declare -A module_of=([SUN]=java.base [SunRsaSign]=java.base [SunEC]=jdk.crypto.ec
    [SunJSSE]=java.base [SunJCE]=java.base [SunJGSS]=java.security.jgss [SunSASL]=java.security.sasl
    [XMLDSig]=java.xml.crypto [SunPCSC]=java.smartcardio [JdkLDAP]=java.naming
    [JdkSASL]=jdk.security.jgss [SunPKCS11]=jdk.crypto.cryptoki)
  local modules
  modules=" $("$java/bin/java" --list-modules | sed 's/@.*//' | tr '\n' ' ') "
  while IFS= read -r name; do
    [[ -n ${module_of[$name]:-} ]] || die "unknown security provider '$name' in $conf: add its module above"
    [[ $modules == *" ${module_of[$name]} "* ]] && kept+=("security.provider.$((n += 1))=$name")
  done < <(sed -n 's/^security\.provider\.[0-9]*=\([^ ]*\).*/\1/p' "$conf")
  ((n > 0)) || die "no security provider listed in $conf"
  awk -v list="$(printf '%s\n' "${kept[@]}")" '
    /^security\.provider\.[0-9]+=/ { if (!done) { printf "%s\n", list; done = 1 } next }
    { print }' "$conf" >"$conf.new"
  chmod --reference="$conf" "$conf.new"
  mv -f "$conf.new" "$conf"
  say "security providers kept: ${kept[*]#security.provider.*=}"
}

# The host libraries a Java runtime in $1 needs (strict: all of them found).
jre_libs() {
  { runtime_elves "$1" | needed_libs "$1" strict; extra_libs; } | canonical
}

# libvirt.so.0 and its closure.
libvirt_libs() {
  { libvirt_library; libvirt_library | needed_libs /nowhere strict; } | canonical
}

# libxml2, which libvirt links, links ICU's common library, which links ICU's data library:
# 30.5 MB of converter tables, collation and locale data. libxml2 asks ICU only for a character
# encoding that neither it nor iconv knows (its own UTF-8, UTF-16, Latin-1 and ASCII come first);
# libvirt speaks UTF-8 XML. ICU's "stubdata" library (source/stubdata in ICU's own tree, what ICU
# builds itself with before its data exists) is a valid, empty data package with the same symbol:
# ICU answers U_FILE_ACCESS_ERROR for a converter, libxml2 says the encoding is unsupported.
# Built from Debian's icu source package once per ICU major version and cached.
icu_data_lib() {
  libvirt_libs | grep -E '/libicudata\.so\.[0-9]+$' || true
}

icu_stubdata() {
  local real=$1 major out
  major=${real##*.so.}
  out=$ICU_CACHE/$major/$(basename "$real")
  if [[ ! -f $out ]]; then
    build_icu_stubdata "$major" "$out" >&2
  fi
  echo "$out"
}

build_icu_stubdata() {
  local major=$1 out=$2 tmp src
  [[ $(id -u) -eq 0 ]] || die "no ICU stub data library in $(dirname "$out"): run this once as root (it fetches Debian's icu source package)"
  command -v gcc >/dev/null || die "no gcc (apt-get install gcc)"
  if [[ ! -f $SRC_LIST ]] && ! apt-cache showsrc icu 2>/dev/null | grep -q '^Package: icu'; then
    # The same deb-src line as deploy/local/k8s/kube.sh, in its own file.
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$(. /etc/os-release && echo "$VERSION_CODENAME")" >"$SRC_LIST"
    apt-get update -qq
  fi
  mkdir -p "$(dirname "$out")"
  tmp=$(mktemp -d "$(dirname "$out")/.build.XXXXXX")
  chmod 755 "$tmp" # apt-get source downloads as _apt
  say "fetching Debian's icu source package for ICU's stub data library ($out)"
  (cd "$tmp" && apt-get source -qq icu >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get source icu failed"; }
  src=$(find "$tmp" -maxdepth 1 -type d -name 'icu-*' | head -n1)
  [[ -n $src && -f $src/source/stubdata/stubdata.cpp ]] || { rm -rf "$tmp"; die "no source/stubdata in Debian's icu source"; }
  grep -q "U_ICU_VERSION_MAJOR_NUM $major\$" "$src/source/common/unicode/uvernum.h" ||
    { rm -rf "$tmp"; die "Debian's icu source is not ICU $major (the installed libicudata.so.$major)"; }
  # Data only: no C++ runtime, no libc.
  gcc -O2 -fPIC -shared -nostdlib -I "$src/source/common" -Wl,-soname,"$(basename "$out")" \
    -o "$tmp/$(basename "$out")" "$src/source/stubdata/stubdata.cpp"
  strip --strip-unneeded "$tmp/$(basename "$out")"
  (cd "$tmp" && ls -- *.dsc) >"$tmp/SOURCE"
  mv "$tmp/$(basename "$out")" "$out"
  mv "$tmp/SOURCE" "$(dirname "$out")/SOURCE"
  rm -rf "$tmp"
}

# The files of the JRE image, as absolute paths.
jre_files() {
  local id
  id=$("$DOCKER" create "$JRE_IMAGE" /opt/java/bin/java)
  "$DOCKER" export "$id" | tar -t | sed 's|^\./||; s|^|/|'
  "$DOCKER" rm "$id" >/dev/null
}

build_libvirt() {
  local work=$1 input=$2 ctx=$1/libvirt
  say "building $LIBVIRT_IMAGE (libvirt client library)"
  mkdir -p "$ctx/rootfs"
  # Only what the JRE image does not hold already.
  libvirt_libs | grep -vxF -f <(jre_files) | copy_libs "$ctx/rootfs"
  # $3: ICU's stub data library, put where the host's libicudata is.
  [[ -z $3 ]] || cp "$3" "$ctx/rootfs$(icu_data_lib)"
  printf 'FROM %s\nCOPY rootfs/ /\nLABEL org.opencontainers.image.title=porthole/jre-libvirt %s=%s\n' \
    "$JRE_IMAGE" "$INPUT_LABEL" "$input" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$LIBVIRT_IMAGE" "$ctx" >/dev/null
}

main() {
  local jre_input libvirt_input script replaced=() started=$SECONDS
  WORK=$(mktemp -d /tmp/porthole-base.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
  script=$(sha256sum build-base.sh)
  # The full JDK's libraries stand for those of the jlink'd runtime (a superset: a change to any of
  # them rebuilds), so an up-to-date image is found without running jlink.
  jre_input=$(
    { runtime_elves "$JDK17" | needed_libs "$JDK17"; extra_libs; } | sort -u |
      digest "$script" "$(jdk_fingerprint)"
  )
  if [[ $(current_input "$JRE_IMAGE") == "$jre_input" ]]; then
    say "$JRE_IMAGE is up to date"
  else
    replaced+=("$(image_id "$JRE_IMAGE")")
    build_jre "$WORK" "$jre_input"
  fi
  local icu stub=
  icu=$(icu_data_lib)
  [[ -z $icu ]] || stub=$(icu_stubdata "$icu")
  libvirt_input=$({ libvirt_libs; echo "$stub"; } | grep . | digest "$jre_input" "$script")
  if [[ $(current_input "$LIBVIRT_IMAGE") == "$libvirt_input" ]]; then
    say "$LIBVIRT_IMAGE is up to date"
  else
    replaced=("$(image_id "$LIBVIRT_IMAGE")" "${replaced[@]}")
    build_libvirt "$WORK" "$libvirt_input" "$stub"
  fi
  # The libvirt image's old one first: it was built on the JRE's old one.
  local id
  for id in "${replaced[@]}"; do drop_replaced "$id"; done
  say "done in $((SECONDS - started)) s: $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' 'porthole/jre*' | tr '\n' ' ')"
}

# One run at a time; with --once, none after a successful run for the same parent process (its pid
# and start time, so a later process with a reused pid runs it again).
once_key=
if [[ ${1:-} == --once ]]; then
  once_key="$PPID $(cut -d' ' -f22 "/proc/$PPID/stat")"
fi
exec 9>/tmp/porthole-base.lock
flock 9
marker=/tmp/porthole-base.done
if [[ -n $once_key && -f $marker && $(cat "$marker") == "$once_key" ]]; then
  exit 0
fi
main
[[ -z $once_key ]] || printf '%s' "$once_key" >"$marker"
