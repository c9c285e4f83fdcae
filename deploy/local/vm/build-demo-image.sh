#!/usr/bin/env bash
# Builds the demo/test guest: a Debian cloud kernel plus a busybox initramfs that draws a
# banner on the VGA console and runs Porthole's guest agent (ConsoleTestBackend) on the
# virtio-serial port org.porthole.guest.0, with a minimal Java runtime made by jlink from
# this machine's JDK (with the JGSS modules Kerberos SSO needs), MIT klist, and the local
# account alice (uid 1000) that SSO signs in. Everything comes from Debian's packages and the
# project's own build. The keytab is not in this shared image: the stack appends it per VM
# (DemoVm, GuestInitrd).
#   usage: build-demo-image.sh OUTDIR [AGENT_TARGET]
#     OUTDIR        writes OUTDIR/vmlinuz and OUTDIR/initrd.img
#     AGENT_TARGET  the guest agent's build output (porthole-guest-agent.jar and lib/);
#                   default: services/guest-agent/target of the repository holding this script
# Rebuilds only when its inputs changed (the agent jar and its lib/, this script, the JDK):
# their digest is kept in OUTDIR/image.inputs.
set -euo pipefail
out=$(realpath -m "${1:?usage: build-demo-image.sh OUTDIR [AGENT_TARGET]}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
agent=$(realpath -m "${2:-$repo/services/guest-agent/target}")
say() { printf 'guest image: %s\n' "$*"; }
die() { printf 'guest image: %s\n' "$*" >&2; exit 1; }

[[ -s $agent/porthole-guest-agent.jar && -d $agent/lib ]] || die "no guest agent build in $agent
  build it first: ./mvnw -B -q -DskipTests -pl services/guest-agent -am install"
for tool in apt-get dpkg cpio gzip sha256sum flock strip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (install the package that has it: apt-get install $tool, or binutils for strip)"
done
busybox=/bin/busybox
[[ -x $busybox ]] && ! ldd "$busybox" >/dev/null 2>&1 || die "a static busybox is missing (apt-get install busybox-static)"
klist=$(command -v klist) || die "MIT klist is missing (apt-get install krb5-user)"
javac=$(command -v javac) || die "no JDK: javac is missing (apt-get install openjdk-17-jdk-headless)"
jdk=$(dirname "$(dirname "$(readlink -f "$javac")")")
for tool in jlink jdeps; do [[ -x $jdk/bin/$tool ]] || die "$jdk has no $tool (a full JDK 17 is needed)"; done

inputs=$( (cat "${BASH_SOURCE[0]}" "$agent/porthole-guest-agent.jar" "$agent"/lib/*.jar "$klist"; "$jdk/bin/java" -version 2>&1) \
  | sha256sum | cut -d' ' -f1)
up_to_date() { [[ -s $out/vmlinuz && -s $out/initrd.img && $(cat "$out/image.inputs" 2>/dev/null) == "$inputs" ]]; }
if up_to_date; then say "up to date in $out"; exit 0; fi
mkdir -p "$out" 2>/dev/null && [[ -w $out ]] || die "$out is not writable: build the image once as root (./porthole setup)"
# One build at a time per OUTDIR: tests and the launcher may ask at once.
exec 9>"$out/.build.lock"
flock 9
if up_to_date; then say "built meanwhile in $out"; exit 0; fi

started=$SECONDS
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"

# The newest cloud kernel Debian offers: the metapackage names it. Its .deb is kept in
# OUTDIR/kernel-cache so a rebuild for a new agent jar does not fetch it again.
cloud_kernel() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true
}
kpkg=$(cloud_kernel)
if [[ -z $kpkg ]]; then
  say "no cloud kernel in the package lists; running apt-get update"
  apt-get update -qq
  kpkg=$(cloud_kernel)
fi
[[ -n $kpkg ]] || die "Debian offers no linux-image-cloud-amd64 here (check /etc/apt/sources.list)"
cache=$out/kernel-cache
mkdir -p "$cache"
if ! compgen -G "$cache/${kpkg}_*.deb" >/dev/null; then
  say "fetching $kpkg"
  rm -f "$cache"/*.deb
  # As root apt warns that its _apt user cannot write here; the download works all the same.
  (cd "$cache" && apt-get download -qq "$kpkg" 2>/dev/null) || die "apt-get download $kpkg failed (try apt-get update)"
fi
dpkg -x "$(compgen -G "$cache/${kpkg}_*.deb" | head -1)" kernel
cp kernel/boot/vmlinuz-* vmlinuz
kver=$(basename kernel/lib/modules/*)

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,etc,tmp,run,lib/modules,opt/porthole}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"   # init's interpreter; init links the other applets itself

# virtio_console and the PCI transport are modules in Debian's cloud kernel (CONFIG_*=m):
# take them with their dependencies (the .modinfo "depends=" field), in load order.
modules=()
add_module() {
  local name=$1 file dep
  [[ " ${modules[*]} " == *" $name "* ]] && return 0
  file=$(find "kernel/lib/modules/$kver" -name "$name.ko" | head -1)
  [[ -n $file ]] || die "kernel $kver has no module $name.ko (is it compressed or built in? check its config)"
  for dep in $(tr '\0' '\n' < "$file" | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$dep"; done
  cp "$file" "$root/lib/modules/"
  modules+=("$name")
}
for m in virtio_pci virtio_console; do
  if grep -q "^CONFIG_$(tr '[:lower:]' '[:upper:]' <<<"$m")=y" kernel/boot/config-*; then continue; fi
  add_module "$m"
done
# Deps first, in discovery order (add_module appends after its dependencies).
printf '%s\n' "${modules[@]}" > "$root/lib/modules/load-order"

# A Java runtime with only the modules the agent needs, plus the agent itself.
deps=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 \
  -cp "$agent/lib/*" "$agent/porthole-guest-agent.jar" "$agent"/lib/*.jar)
# The agent accepts Kerberos SSO with JGSS: jdeps finds jdk.security.jgss (which requires
# java.security.jgss) through porthole-sso-protocol in lib/. A runtime without them would start
# and fail only at the first sign-in, so stop here instead (and check the runtime jlink made).
[[ ,$deps, == *,jdk.security.jgss,* ]] || die "jdeps did not list jdk.security.jgss for the agent (it found: $deps); is porthole-sso-protocol in $agent/lib?"
say "jlink $deps from $jdk"
"$jdk/bin/jlink" --add-modules "$deps" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --generate-cds-archive --output "$root/opt/porthole/jre"
for m in java.security.jgss jdk.security.jgss; do
  grep -q "^MODULES=.*\\b$m\\b" "$root/opt/porthole/jre/release" || die "jlink left $m out of the guest runtime"
done
# The archive for heaps over 32 GiB (no compressed oops) is never used with -Xmx48m.
rm -f "$root/opt/porthole/jre/lib/server/classes_nocoops.jsa"
# Debian ships libjvm.so with its symbol table (4 MB); the guest never needs it.
strip --strip-unneeded "$root/opt/porthole/jre/lib/server/libjvm.so"
cp "$agent/porthole-guest-agent.jar" "$root/opt/porthole/"
cp -r "$agent/lib" "$root/opt/porthole/lib"
# MIT klist (krb5-user): the agent's test probe shows a delegated ticket cache with it.
cp "$klist" "$root/bin/klist"

# The glibc (and friends) the runtime and klist link against (libkrb5 and its companions for
# klist), from this Debian machine, with the loader.
libs=$( (find "$root/opt/porthole/jre" -name '*.so' -o -path '*/bin/java'; echo "$root/bin/klist") | xargs ldd 2>/dev/null \
  | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}' | sort -u)
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
if [[ -e /lib64/ld-linux-x86-64.so.2 ]]; then
  mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi

cat > "$root/etc/os-release" <<'OS'
NAME="Porthole test guest"
ID=porthole-test
VERSION_ID="1"
PRETTY_NAME="Porthole test guest (Debian kernel, busybox, guest agent)"
OS
# alice (uid 1000, the first free one: only root is an account here; "tester" is a name the
# console-test backend reports, not an account) is the user Kerberos SSO signs in as.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'alice:x:1000:1000:Alice:/home/alice:/bin/sh' > "$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'alice:x:1000:' > "$root/etc/group"

cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/usr/bin
/bin/busybox --install -s /bin
# Ownership is set here, not at build time, so a build by any user gives the same image.
chmod 1777 /tmp
mkdir -p /home/alice && chown 1000:1000 /home/alice && chmod 700 /home/alice
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
hostname porthole-demo
ip link set lo up 2>/dev/null
for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m.ko" || echo "porthole-demo: insmod $m failed" > /dev/ttyS0
done
echo "porthole-demo: virtio ports: $(cat /sys/class/virtio-ports/*/name 2>/dev/null | tr '\n' ' ')" > /dev/ttyS0

# The agent's console lines go to the serial console and to a log whose last lines the banner
# shows, through one FIFO (opened read-write, so the reader never sees an end).
mkfifo /run/guest-console
tee -a /run/guest-console.log <>/run/guest-console >/dev/ttyS0 2>/dev/null &
PORTHOLE_GUEST_BACKEND=console-test PORTHOLE_GUEST_CONSOLE_FILE=/run/guest-console \
  PORTHOLE_GUEST_TEST_USERS=tester,alice PORTHOLE_GUEST_TEST_PROBE=true \
  /opt/porthole/jre/bin/java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx48m -Xss512k \
  -XX:-UsePerfData -jar /opt/porthole/porthole-guest-agent.jar >/dev/ttyS0 2>&1 &
echo "porthole-demo: guest agent started at $(cut -d' ' -f1 /proc/uptime) s" > /dev/ttyS0

# The VGA console (80x25; tty1, where a VNC viewer's keys land) has two parts. Rows 1-16: the
# banner and the agent's last lines, redrawn in place every 5 s (cursor saved and restored, one
# write). Rows 17-25: a scrolling region where typing happens: the tty echoes each key as it is
# typed, and each finished line is answered below it and echoed to the serial console as
# "porthole-demo: typed <line>", so tests see whose keys reached the guest.
TYPING_TOP=17
printf '\033[H\033[J\033[%d;25r\033[%d;1H' "$TYPING_TOP" "$TYPING_TOP" > /dev/tty0

banner() {
  echo
  echo "   ######   #####  ######  ####### #     #  #####  #       #######"
  echo "   #     # #     # #     #    #    #     # #     # #       #"
  echo "   ######  #     # ######     #    ####### #     # #       #####"
  echo "   #       #     # #   #      #    #     # #     # #       #"
  echo "   #        #####  #    #     #    #     #  #####  ####### #######"
  echo
  echo "   Porthole demo VM -- this is the guest's own VGA console."
  echo "   host name: $(hostname)    up: $(cut -d' ' -f1 /proc/uptime) s"
  echo
  tail -n 5 /run/guest-console.log 2>/dev/null | sed 's/^/   /'
}
# The banner's lines at rows 1..TYPING_TOP-1 (each cleared to its end, cut to 79 columns), the
# last of them a rule over the typing region; the cursor goes back where the typist left it.
# All of it is ONE write of under 2 KiB without tabs or line ends: the kernel hands such a write
# to the console in one piece, so the tty's echo of a key typed meanwhile cannot land between
# "save cursor" and "restore cursor" (busybox awk writes each printf by itself: drawn piece by
# piece, an echoed key went into the banner and vanished from the typed line).
draw_banner() {
  { banner | head -n $((TYPING_TOP - 2)); } | awk -v top="$TYPING_TOP" -v e="$(printf '\033')" '
    { gsub(/[[:cntrl:]]/, " "); out = out sprintf("%s[%d;1H%s[K%s", e, NR, e, substr($0, 1, 79)) }
    END {
      for (r = NR + 1; r < top - 1; r++) out = out sprintf("%s[%d;1H%s[K", e, r, e)
      out = out sprintf("%s[%d;1H%s[K   --- type here: the guest echoes each line you type ---", e, top - 1, e)
      printf "%s7%s%s8", e, out, e
    }' > /dev/tty0 2>&1
}
draw_banner

# Ctrl-D ends one read loop; the next one starts.
while true; do
  while printf 'type> ' && IFS= read -r line; do
    echo "porthole-demo: typed $line" > /dev/ttyS0
    echo "      the guest read: $line"
  done < /dev/tty1 > /dev/tty1 2>&1
  sleep 1
done &

while true; do
  sleep 5
  draw_banner
  echo "porthole-demo: alive $(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0 2>/dev/null
done
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -6) > initrd.img
mv vmlinuz "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv initrd.img "$out/initrd.img.tmp" && mv "$out/initrd.img.tmp" "$out/initrd.img"
echo "$inputs" > "$out/image.inputs"
say "built $out/vmlinuz and $out/initrd.img ($(du -k "$out/initrd.img" | cut -f1) KiB, $(du -sk "$root" | cut -f1) KiB unpacked) in $((SECONDS - started)) s"
