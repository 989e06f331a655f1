# Forks N children from this already started Python, each in fresh mount, pid, network, IPC and
# UTS namespaces with its own /work, /tmp, /dev/shm and /proc, and runs print(1) in it as pid 2
# under an init, as bwrap does. Run inside bwrap with capabilities in its user namespace
# (bench/zygote-probe.ts), with the runner's seccomp program on stdin. Init and program give up
# every capability; the program also closes every other descriptor and installs the seccomp
# filter, then checks that it can no longer mount, unshare or see anything but itself. An
# experiment, not a code path.
import ctypes, json, os, socket, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
FLAGS = os.CLONE_NEWNS | os.CLONE_NEWPID | os.CLONE_NEWNET | os.CLONE_NEWIPC | os.CLONE_NEWUTS
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 24, 47, 4, 22, 2
SYS_CAPSET, LINUX_CAPABILITY_VERSION_3 = 126, 0x20080522
LAST_CAP = int(open('/proc/sys/kernel/cap_last_cap').read())
FILTER = sys.stdin.buffer.read()
FILTER_BUF = ctypes.create_string_buffer(FILTER, len(FILTER))
FPROG = struct.pack('HxxxxxxQ', len(FILTER) // 8, ctypes.addressof(FILTER_BUF))


def check(ok, what):
    if not ok:
        raise OSError(ctypes.get_errno(), what)


def drop_capabilities():
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, 'no_new_privs')
    check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0, 'ambient')
    for cap in range(LAST_CAP + 1):
        check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0, 'bounding set')
    header = ctypes.create_string_buffer(struct.pack('Ii', LINUX_CAPABILITY_VERSION_3, 0))
    data = ctypes.create_string_buffer(bytes(24))
    check(libc.syscall(SYS_CAPSET, header, data) == 0, 'capset')


def install_seccomp():
    prog = ctypes.create_string_buffer(FPROG, len(FPROG))
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) == 0, 'seccomp')


def denied(fn):
    try:
        fn()
        return False
    except PermissionError:
        return True


def mount(src, dst, fstype, flags, data=None):
    if libc.mount(src, dst, fstype, flags, data) != 0:
        raise OSError(ctypes.get_errno(), 'mount ' + dst.decode())


def child(out):
    os.unshare(FLAGS)
    mount(None, b'/', None, MS_REC | MS_PRIVATE)
    for d in (b'/work', b'/tmp', b'/dev/shm'):
        mount(b'tmpfs', d, b'tmpfs', MS_NOSUID | MS_NODEV, b'size=64m')
    socket.sethostname('sandbox')
    init = os.fork()
    if init == 0:
        mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
        for cover in (b'/proc/irq', b'/proc/bus'):
            mount(cover, cover, None, MS_BIND)
            mount(None, cover, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        drop_capabilities()
        program = os.fork()
        if program == 0:
            os.closerange(3, out)
            os.closerange(out + 1, 1 << 16)
            install_seccomp()
            status = dict(line.split(':\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\t' in line)
            seen = {'uid': os.getuid(), **{k: status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp')},
                    'mountDenied': denied(lambda: mount(b'tmpfs', b'/work', b'tmpfs', 0)),
                    'unshareDenied': denied(lambda: os.unshare(os.CLONE_NEWNS)),
                    'fds': sorted(int(f) for f in os.listdir('/proc/self/fd')), 'pid': os.getpid(), 'procs': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
                    'work': os.listdir('/work'), 'host': socket.gethostname(), 'links': os.listdir('/sys/class/net') if os.path.isdir('/sys/class/net') else None}
            open('/work/mine', 'w').write('x')
            os.write(out, (json.dumps(seen) + '\n').encode())
            print(1)
            os._exit(0)
        os._exit(os.waitstatus_to_exitcode(os.waitpid(program, 0)[1]))
    os._exit(os.waitstatus_to_exitcode(os.waitpid(init, 0)[1]))


def main():
    n = int(sys.argv[1])
    first = None
    for i in range(n):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                child(w)
            except BaseException as e:
                os.write(2, repr(e).encode() + b'\n')
                os._exit(3)
        os.close(w)
        report = b''
        while chunk := os.read(r, 65536):
            report += chunk
        os.close(r)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if status != 0 or not report:
            sys.exit('child %d failed with %d' % (i, status))
        first = first or json.loads(report)
    if first is not None:
        caps_gone = all(int(first[k], 16) == 0 for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'))
        ok = (first['pid'] == 2 and first['procs'] == [1, 2] and first['work'] == [] and first['host'] == 'sandbox'
              and first['uid'] == 65534 and caps_gone and first['NoNewPrivs'] == '1' and first['Seccomp'] == '2'
              and first['mountDenied'] and first['unshareDenied'])
        print(json.dumps({'children': n, 'firstChildSaw': first, 'isolated': ok}), file=sys.stderr)
        sys.exit(0 if ok else 4)


main()
