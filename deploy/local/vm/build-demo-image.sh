#!/usr/bin/env bash
# Builds the demo guest: a Debian cloud kernel plus a busybox initramfs whose init
# draws a readable banner on the VGA console. Everything comes from Debian's packages.
#   usage: build-demo-image.sh OUTDIR      (writes OUTDIR/vmlinuz and OUTDIR/initrd.img)
set -euo pipefail
out=${1:?usage: build-demo-image.sh OUTDIR}
mkdir -p "$out"
if [[ -s $out/vmlinuz && -s $out/initrd.img ]]; then
  echo "demo image: already built in $out"; exit 0
fi
for tool in apt-get dpkg cpio gzip; do
  command -v "$tool" >/dev/null || { echo "demo image: '$tool' is missing (install it: apt-get install $tool)" >&2; exit 1; }
done
busybox=/bin/busybox
[[ -x $busybox ]] && ! ldd "$busybox" >/dev/null 2>&1 || { echo "demo image: a static busybox is missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
# The newest cloud kernel Debian offers: the metapackage names it.
cloud_kernel() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true
}
kpkg=$(cloud_kernel)
if [[ -z $kpkg ]]; then
  echo "demo image: no cloud kernel in the package lists; running apt-get update" >&2
  apt-get update -qq
  kpkg=$(cloud_kernel)
fi
[[ -n $kpkg ]] || { echo "demo image: Debian offers no linux-image-cloud-amd64 here (check /etc/apt/sources.list)" >&2; exit 1; }
echo "demo image: fetching $kpkg"
apt-get download -qq "$kpkg"
dpkg -x ./*.deb kernel
cp kernel/boot/vmlinuz-* "$out/vmlinuz.tmp"

mkdir -p root/{bin,dev,proc,sys,etc,tmp}
cp "$busybox" root/bin/busybox
for app in sh mount echo sleep cat clear date uptime hostname seq printf stty; do ln -s busybox "root/bin/$app"; done
cat > root/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
hostname porthole-demo
banner() {
  clear
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
}
while true; do
  banner > /dev/tty0 2>&1
  echo "porthole-demo: alive $(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0 2>/dev/null
  sleep 5
done
INIT
chmod +x root/init
(cd root && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.img.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
echo "demo image: built $out/vmlinuz and $out/initrd.img"
