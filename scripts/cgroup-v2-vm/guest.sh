#!/bin/bash
# PID 1 of the cgroup-v2 VM (see run.sh): mounts a v2-only /sys/fs/cgroup, runs the sandbox suites
# twice (auto-detected from the root cgroup, then from a leaf with SANDBOX_CGROUP_V2_PARENT as an
# operator would), writes the exit status to $cgv2_out/exit-code and powers off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
OUT=$cgv2_out

mount -t proc proc /proc
ln -s /proc/self/fd /dev/fd
exec > >(tee -a "$OUT/console.log") 2>&1
mount -t sysfs sys /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ip link set lo up
hostname cgroup-v2-vm

poweroff() {
  echo "$1" >"$OUT/exit-code"
  sync
  echo o >/proc/sysrq-trigger
  sleep 30
}

echo "== kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)"
grep -w cgroup2 /proc/mounts
echo "root controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
echo '+memory +pids +cpu' >/sys/fs/cgroup/cgroup.subtree_control

# Evidence that runs land in v2 cgroups: every second, the run cgroups that exist and their limits.
(
  while sleep 1; do
    for d in /sys/fs/cgroup/sandbox-*/run-* /sys/fs/cgroup/*/sandbox-*/run-*; do
      [ -d "$d" ] && echo "$(date +%T) $d memory.max=$(cat "$d/memory.max") pids.max=$(cat "$d/pids.max") cpu.max=$(cat "$d/cpu.max" 2>/dev/null)"
    done
  done >"$OUT/run-cgroups.log" 2>/dev/null
) &

# Each jest process removes its sandbox-<pid> subtree at exit; anything left here leaked.
leftovers() {
  local d found
  found=$(find /sys/fs/cgroup -mindepth 1 -type d -path '*sandbox-*')
  echo "leftover cgroups: ${found:-none}"
  for d in $found; do echo "  $d procs: $(tr '\n' ' ' <"$d/cgroup.procs")"; done
}

mapfile -t patterns <"$OUT/patterns"
[ ${#patterns[@]} -gt 0 ] && [ -n "${patterns[0]}" ] || patterns=(libs/sandbox)
cd "$cgv2_root"
# The sandbox suites need no Postgres: a URL skips global-setup's embedded one.
export DATABASE_URL=postgres://unused@127.0.0.1:1/none FORCE_COLOR=0
jest=(node node_modules/.bin/jest --runInBand --ci --verbose)
# Emulated CPUs (TCG) miss these wall-clock bounds whatever the cgroup version.
[ "${cgv2_accel:-}" = tcg ] && jest+=(--testNamePattern '^(?!.*(no setuid or setgid programs|default 10 s timeout holds)).*$')

echo "== 1/2: auto-detected, jest in the root cgroup: ${patterns[*]}"
"${jest[@]}" --json --outputFile="$OUT/root-cgroup.json" "${patterns[@]}" >"$OUT/jest-root-cgroup.log" 2>&1
rc1=$?
tail -n 8 "$OUT/jest-root-cgroup.log"
leftovers

echo '== 2/2: jest in a leaf cgroup, runs under SANDBOX_CGROUP_V2_PARENT=/sys/fs/cgroup/sandbox (bwrap backend specs)'
mkdir /sys/fs/cgroup/gateway /sys/fs/cgroup/sandbox
rc2=0
(
  echo "$BASHPID" >/sys/fs/cgroup/gateway/cgroup.procs
  SANDBOX_CGROUP_V2_PARENT=/sys/fs/cgroup/sandbox "${jest[@]}" --json --outputFile="$OUT/delegated.json" \
    libs/sandbox/src/backends/bwrap >"$OUT/jest-delegated.log" 2>&1
) || rc2=$?
tail -n 8 "$OUT/jest-delegated.log"
leftovers

rc=$((rc1 != 0 ? rc1 : rc2))
echo "== exit $rc (root cgroup $rc1, delegated $rc2)"
poweroff "$rc"
