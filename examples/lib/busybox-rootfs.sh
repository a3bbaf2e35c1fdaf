#!/bin/sh
# busybox-rootfs.sh OUT.tar - build the examples' base image material: a minimal root
# filesystem from Debian's busybox-static (/bin/busybox), as a deterministic tarball.
# Same layout as test/support/busybox-rootfs.ts. Needs: busybox-static, tar.
set -eu

OUT=${1:?usage: busybox-rootfs.sh OUT.tar}
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "no busybox at $BUSYBOX (apt-get install busybox-static)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/rootfs
mkdir -p "$R"/bin "$R"/sbin "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp "$R"/root "$R"/var/run "$R"/www "$R"/usr
ln -s ../bin "$R"/usr/bin
ln -s ../sbin "$R"/usr/sbin
chmod 1777 "$R"/tmp
chmod 0700 "$R"/root
cp "$BUSYBOX" "$R"/bin/busybox
chmod 0755 "$R"/bin/busybox
for a in $("$BUSYBOX" --list); do
  [ "$a" = busybox ] && continue
  [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n' > "$R"/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n' > "$R"/etc/group
: > "$R"/etc/hosts
: > "$R"/etc/resolv.conf
echo bb > "$R"/etc/hostname
echo 'busybox rootfs' > "$R"/www/index.html

mkdir -p "$(dirname "$OUT")"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$R" -cf "$OUT.tmp" .
mv "$OUT.tmp" "$OUT"
