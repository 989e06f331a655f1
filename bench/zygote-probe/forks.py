# Forks N children from this already started Python, each in fresh mount, pid, network, IPC and
# UTS namespaces with its own /work, /tmp, /dev/shm and /proc, and runs print(1) in it as pid 2
# under an init, as bwrap does. Run inside bwrap with capabilities in its user namespace
# (bench/zygote-probe.ts). An experiment: nothing here drops capabilities or installs seccomp.
import ctypes, json, os, socket, sys

libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
FLAGS = os.CLONE_NEWNS | os.CLONE_NEWPID | os.CLONE_NEWNET | os.CLONE_NEWIPC | os.CLONE_NEWUTS


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
        program = os.fork()
        if program == 0:
            seen = {'pid': os.getpid(), 'procs': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
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
        ok = first['pid'] == 2 and first['procs'] == [1, 2] and first['work'] == [] and first['host'] == 'sandbox'
        print(json.dumps({'children': n, 'firstChildSaw': first, 'isolated': ok}), file=sys.stderr)
        sys.exit(0 if ok else 4)


main()
