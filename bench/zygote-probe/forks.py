# Forks N children from this already started Python, each in fresh mount, pid, network, IPC and
# UTS namespaces with its own /work, /tmp, /dev/shm, /dev/pts and /proc (with the read-only
# covers bwrap put under the zygote's /proc), and runs print(1) in it as pid 2 under an init, as
# bwrap does. Run inside bwrap with capabilities in its user namespace (bench/zygote-probe.ts),
# with the runner's seccomp program on stdin. Init and program give up every capability; the
# program closes every other descriptor and installs the seccomp filter, then reports what it
# sees; every child's report is checked, and a last pair runs side by side (the second must not
# see the first's /work file, pty or listening abstract socket). An experiment, not a code path:
# fds 0-2 are still the zygote's, where a real child would get its run's own pipes.
import ctypes, json, os, socket, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
FLAGS = os.CLONE_NEWNS | os.CLONE_NEWPID | os.CLONE_NEWNET | os.CLONE_NEWIPC | os.CLONE_NEWUTS
NAMESPACES = ('mnt', 'pid', 'net', 'ipc', 'uts')
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 24, 47, 4, 22, 2
SYS_CAPSET, LINUX_CAPABILITY_VERSION_3 = 126, 0x20080522
LAST_CAP = int(open('/proc/sys/kernel/cap_last_cap').read())
FILTER = sys.stdin.buffer.read()
FILTER_BUF = ctypes.create_string_buffer(FILTER, len(FILTER))
FPROG = struct.pack('HxxxxxxQ', len(FILTER) // 8, ctypes.addressof(FILTER_BUF))
PROC_COVERS = [line.split()[4].encode() for line in open('/proc/self/mountinfo') if line.split()[4].startswith('/proc/')]
ZYGOTE_NS = {ns: os.readlink('/proc/self/ns/' + ns) for ns in NAMESPACES}


def check(ok, what):
    if not ok:
        raise OSError(ctypes.get_errno(), what)


def mount(src, dst, fstype, flags, data=None):
    check(libc.mount(src, dst, fstype, flags, data) == 0, 'mount ' + dst.decode())


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


def report(out):
    status = dict(line.split(':\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\t' in line)
    interfaces = [line.split(':')[0].strip() for line in open('/proc/self/net/dev').read().splitlines()[2:]]
    return {
        'uid': os.getuid(),
        **{k: status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp')},
        'mountDenied': denied(lambda: mount(b'tmpfs', b'/work', b'tmpfs', 0)),
        'unshareDenied': denied(lambda: os.unshare(os.CLONE_NEWNS)),
        'otherFds': sorted(set(int(f) for f in os.listdir('/proc/self/fd')) - {0, 1, 2, out}),
        'pid': os.getpid(),
        'procs': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
        'work': os.listdir('/work'),
        'ptys': sorted(os.listdir('/dev/pts')),
        'interfaces': interfaces,
        'ns': {ns: os.readlink('/proc/self/ns/' + ns) for ns in NAMESPACES},
    }


def child(out, role=None, hold=None):
    """A namespaced child; `role` runs in its program after the checks, `hold` is a fd it keeps."""
    os.unshare(FLAGS)
    mount(None, b'/', None, MS_REC | MS_PRIVATE)
    for d in (b'/work', b'/tmp', b'/dev/shm'):
        mount(b'tmpfs', d, b'tmpfs', MS_NOSUID | MS_NODEV, b'size=64m')
    mount(b'devpts', b'/dev/pts', b'devpts', MS_NOSUID | MS_NOEXEC, b'newinstance,ptmxmode=0666,mode=620')
    socket.sethostname('sandbox')
    init = os.fork()
    if init == 0:
        mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
        for cover in PROC_COVERS:
            mount(cover, cover, None, MS_BIND)
            mount(None, cover, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        drop_capabilities()
        program = os.fork()
        if program == 0:
            keep = sorted({out, hold} - {None})
            low = 3
            for fd in keep:
                os.closerange(low, fd)
                low = fd + 1
            os.closerange(low, 1 << 16)
            install_seccomp()
            seen = report(out)
            if hold is not None:
                seen['otherFds'] = [fd for fd in seen['otherFds'] if fd != hold]
            pty = os.openpty()
            open('/work/mine', 'w').write('x')
            seen.update(role() if role else {})
            os.write(out, (json.dumps(seen) + '\n').encode())
            if hold is not None:
                os.read(hold, 1)
            del pty
            print(1)
            os._exit(0)
        os._exit(os.waitstatus_to_exitcode(os.waitpid(program, 0)[1]))
    os._exit(os.waitstatus_to_exitcode(os.waitpid(init, 0)[1]))


ABSTRACT = b'\0zygote-probe'


def first_of_pair():
    """Leaves what a neighbour could reach if they shared anything: a listening abstract socket."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(ABSTRACT)
    listener.listen(1)
    first_of_pair.listener = listener
    return {}


def second_of_pair():
    """Run while the first child is alive, holding its /work file, its pty and its socket."""
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(ABSTRACT)
        reached = True
    except OSError:
        reached = False
    return {'reachedNeighbourSocket': reached}


def spawn(role=None, hold=None):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            child(w, role, hold)
        except BaseException as e:
            os.write(2, repr(e).encode() + b'\n')
            os._exit(3)
    os.close(w)
    return pid, r


def read_report(r):
    line = b''
    while not line.endswith(b'\n'):
        chunk = os.read(r, 65536)
        if not chunk:
            break
        line += chunk
    return json.loads(line) if line else None


def finish(pid, r, name):
    while os.read(r, 65536):
        pass
    os.close(r)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if status != 0:
        sys.exit('%s failed with %d' % (name, status))


def isolated(seen):
    caps_gone = all(int(seen[k], 16) == 0 for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'))
    # Against the zygote's only: a finished child's namespace numbers are free to be reused.
    fresh_ns = all(seen['ns'][ns] != ZYGOTE_NS[ns] for ns in NAMESPACES)
    return (seen['uid'] == 65534 and caps_gone and seen['NoNewPrivs'] == '1' and seen['Seccomp'] == '2'
            and seen['mountDenied'] and seen['unshareDenied'] and len(seen['otherFds']) <= 1
            and seen['pid'] == 2 and seen['procs'] == [1, 2] and seen['work'] == [] and seen['ptys'] == ['ptmx']
            and seen['interfaces'] == ['lo'] and fresh_ns)


def main():
    n = int(sys.argv[1])
    last = None
    for i in range(n):
        pid, r = spawn()
        seen = read_report(r)
        finish(pid, r, 'child %d' % i)
        if seen is None or not isolated(seen):
            sys.exit('child %d is not isolated: %s' % (i, json.dumps(seen)))
        last = seen
    if n == 0:
        return
    # Two children alive at once: the second must not see the first's file, pty or socket.
    go_r, go_w = os.pipe()
    first_pid, first_r = spawn(first_of_pair, go_r)
    first = read_report(first_r)
    second_pid, second_r = spawn(second_of_pair)
    second = read_report(second_r)
    finish(second_pid, second_r, 'second of pair')
    os.write(go_w, b'x')
    finish(first_pid, first_r, 'first of pair')
    pair_ok = all(x is not None and isolated(x) for x in (first, second)) and second['reachedNeighbourSocket'] is False
    if not pair_ok:
        sys.exit('children side by side are not isolated: %s %s' % (json.dumps(first), json.dumps(second)))
    print(json.dumps({'children': n, 'allIsolated': True, 'sideBySide': 'isolated', 'lastChildSaw': last}), file=sys.stderr)


main()
