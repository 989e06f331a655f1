#!/usr/bin/env bash
# Runs the bwrap sandbox suites on a cgroup-v2-only kernel, in a throwaway QEMU/KVM VM, for hosts
# (like CI's) that only have cgroup v1 and so never exercise the v2 manager.
#
# Usage: bash scripts/cgroup-v2-vm/run.sh [jest path patterns...]   (root, Debian 12; KVM if usable)
# CGV2_VM_ACCEL=kvm|tcg overrides the accelerator; CGV2_VM_MEM_MB and CGV2_VM_TIMEOUT_S the limits.
#
# The VM boots Debian's stock kernel with cgroup_no_v1=all, mounts this host's / read-only over
# 9p with a tmpfs overlay for writes, and runs guest.sh with the host's own node, node_modules and
# built rootfs (run `npm ci` and `npm run sandbox:build` first). Kernel, initramfs and results go
# to .data/cgroup-v2-vm/ (out/console.log, out/jest-*.log, out/*.json). Exit status: the guest's test exit status.
# Under TCG everything is several times slower, so guest.sh leaves out the two hostile cases that
# time the sandbox itself (a 5 s `find /`, the 10 s timeout's ±1 s); with KVM everything runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/.data/cgroup-v2-vm
OUT=$WORK/out
MEM_MB=${CGV2_VM_MEM_MB:-6144}
TIMEOUT_S=${CGV2_VM_TIMEOUT_S:-3000}

log() { printf '[cgroup-v2-vm] %s\n' "$*" >&2; }

# KVM-PVM (nested without VMX, e.g. in a Firecracker guest) only runs PVM-built guest kernels,
# never Debian's: there the VM falls back to TCG emulation, several times slower but complete.
if [ -n "${CGV2_VM_ACCEL:-}" ]; then accel=$CGV2_VM_ACCEL
elif [ -e /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then accel=kvm
else accel=tcg; fi
if [ "$accel" = kvm ]; then cpu=(-accel kvm -cpu host); else cpu=(-accel tcg,thread=multi -cpu max); fi
[ -d node_modules ] || { log 'run npm ci first'; exit 2; }

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx switch_root || need+=(busybox-static)
[ -x /usr/bin/bwrap ] || need+=(bubblewrap)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p "$WORK/kernel"
# The metapackage names the current Debian 12 kernel (6.1; CGV2_VM_KERNEL=linux-image-6.12-amd64
# for the newer one, whose memory.peak can be reset); its image is what a Debian host boots.
META=${CGV2_VM_KERNEL:-linux-image-amd64}
KPKG=$(apt-cache depends "$META" | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$KPKG" ] || { log "no kernel package behind $META (apt-get update?)"; exit 2; }
KVER=${KPKG#linux-image-}
KDIR=$WORK/kernel/$KVER
if [ ! -f "$KDIR/boot/vmlinuz-$KVER" ]; then
  log "fetching $KPKG"
  rm -rf "$KDIR" && mkdir -p "$KDIR"
  (cd "$WORK/kernel" && apt-get download "$KPKG" 2>/dev/null)
  dpkg-deb -x "$WORK/kernel/${KPKG}"_*.deb "$KDIR"
  rm -f "$WORK/kernel/${KPKG}"_*.deb
  /bin/busybox depmod -b "$KDIR" "$KVER"
fi

# Debian builds 9p, virtio and overlayfs as modules: these and their dependencies, in load order.
INITRD=$WORK/initrd-$KVER.cpio.gz
STAGE=$WORK/initrd-stage
rm -rf "$STAGE" && mkdir -p "$STAGE"/{bin,proc,sys,dev,lower,upper,newroot,lib/modules}
cp /bin/busybox "$STAGE/bin/busybox"
cp "$(dirname "$0")/initramfs-init" "$STAGE/init"
chmod 755 "$STAGE/init"
for m in virtio_pci 9pnet_virtio 9p overlay; do
  # modules.dep: "kernel/x/m.ko: dep1.ko dep2.ko", a dependency after what needs it.
  awk -v m="$m" '{ p = $1; sub(":", "", p); n = p; sub(".*/", "", n); sub("[.]ko.*", "", n) }
    n == m { for (i = NF; i > 1; i--) print $i; print p }' "$KDIR/lib/modules/$KVER/modules.dep"
done | awk '!seen[$0]++' | while read -r path; do
  name=$(basename "$path"); name=${name%%.ko*}
  case $path in
    *.xz) xz -dc "$KDIR/lib/modules/$KVER/$path" >"$STAGE/lib/modules/$name.ko" ;;
    *) cp "$KDIR/lib/modules/$KVER/$path" "$STAGE/lib/modules/$name.ko" ;;
  esac
  echo "$name" >>"$STAGE/lib/modules/order"
done
(cd "$STAGE" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$INITRD")

rm -rf "$OUT" && mkdir -p "$OUT"
printf '%s\n' "$@" >"$OUT/patterns"
log "booting $KVER ($accel) with ${MEM_MB} MiB, 2 vCPUs; logs in $OUT"
qemu=(
  qemu-system-x86_64 "${cpu[@]}" -smp 2 -m "$MEM_MB"
  -nodefaults -display none -serial stdio -no-reboot
  -kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$INITRD"
  -append "console=ttyS0 quiet loglevel=4 panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 cgv2_root=$ROOT cgv2_out=$OUT cgv2_accel=$accel"
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
  -virtfs "local,path=$OUT,mount_tag=out,security_model=none,multidevs=remap"
)
timeout -k 10 "$TIMEOUT_S" "${qemu[@]}" </dev/null || log "qemu exited with $?"

if [ ! -f "$OUT/exit-code" ]; then
  log 'the guest did not report an exit status (crash or timeout); see the console output above'
  exit 1
fi
rc=$(cat "$OUT/exit-code")
log "guest tests exited with $rc"
exit "$rc"
