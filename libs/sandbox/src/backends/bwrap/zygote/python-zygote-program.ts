import { PYTHON_LAUNCHER_DEFINITIONS } from '../../../pool/warm-launchers';
import { SANDBOX_HOSTNAME } from '../bwrap-args';

/**
 * The zygote's own fds: control in and out, its stderr; on ZYGOTE_FD.filter its own seccomp
 * program (after its size, 4 bytes little endian), then the runner's program for its children.
 */
export const ZYGOTE_FD = { control: 0, reports: 1, filter: 5, firstSlot: 6 } as const;
/** Each slot: the child's stdin, stdout, stderr and done pipe, in that order. */
export const SLOT_FDS = 4;
/** Where the launcher finds its done pipe in a child (as in a warm bwrap sandbox). */
export const CHILD_DONE_FD = 6;

export interface ZygoteLayout {
  slots: number;
  uid: number;
  gid: number;
  tmpfsBytes: number;
  shmBytes: number;
}

/**
 * A Python that has loaded the warm launcher and forks, on each `F` it reads, a child into the
 * next slot. Children are single-use sandboxes of their own; the zygote never runs user code and
 * never sees a run's data (frames go straight to the child's stdin). Once loaded it runs under a
 * seccomp filter of its own: the runner's deny list but for mount, sethostname, clone into new
 * namespaces (not user or cgroup ones) and unshare of a cgroup namespace, which building a child
 * takes.
 *
 * The child is forked (os.fork's own steps around a raw clone) straight into new mount, pid,
 * network, IPC and UTS namespaces, as their init (pid 1). It keeps only its slot's fds and waits
 * for `G` on its stdin (sent once the host has put it in its run's cgroups, so everything after is
 * limited and counted there). Then it takes a cgroup namespace rooted there, mounts its own /work, /tmp and /dev/shm (as bwrap's
 * --tmpfs: nosuid, nodev, mode 755, owned by the sandbox user), devpts and a fresh /proc (with
 * bwrap's read-only covers again), sets the hostname, brings `lo` up as bwrap does, moves into its
 * own /work, drops every capability (bounding set, ambient, capset, no_new_privs), dies with the
 * zygote, ignores the SIGINT Python gave it (as bwrap's init would), makes itself undumpable,
 * installs the runner's seccomp filter and forks the program (pid 2); it then reaps until the
 * program is gone and exits with its status (128+N for signal N, as bwrap's init). The program
 * starts a session, moves its slot onto fds 0, 1, 2 and CHILD_DONE_FD, closes everything else and
 * runs the launcher. Any failure before that ends the child before it reads a byte of code.
 * The zygote reports `P k pid` for each fork (pid in its own namespace), `E k errno` for a fork
 * that failed, and `X k status` once child k is reaped (os.waitstatus_to_exitcode); it exits when
 * its control pipe closes. The raw clone is x86-64's, as is the seccomp filter the bwrap backend
 * needs anyway.
 */
export function pythonZygoteSource(l: ZygoteLayout): string {
  return `${PYTHON_LAUNCHER_DEFINITIONS}
def _zygote():
    import ctypes, fcntl, gc, select, signal, socket, struct
    libc = ctypes.CDLL(None, use_errno=True)
    # Called with the GIL held, as os.fork does between its before and after steps.
    raw_syscall = ctypes.PyDLL(None, use_errno=True).syscall
    raw_syscall.restype = ctypes.c_long
    before_fork, after_fork_child, after_fork_parent = (getattr(ctypes.pythonapi, 'PyOS_' + f) for f in ('BeforeFork', 'AfterFork_Child', 'AfterFork_Parent'))
    MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
    NAMESPACES = os.CLONE_NEWNS | os.CLONE_NEWPID | os.CLONE_NEWNET | os.CLONE_NEWIPC | os.CLONE_NEWUTS
    PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 4, 38, 24, 47, 4
    PR_SET_SECCOMP, SECCOMP_MODE_FILTER, CAPABILITY_VERSION_3 = 22, 2, 0x20080522
    SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP, SYS_CLONE = 0x8913, 0x8914, 1, 56
    clone_args = (ctypes.c_long(SYS_CLONE), ctypes.c_long(NAMESPACES | signal.SIGCHLD), *[ctypes.c_long(0)] * 4)
    SLOTS, FIRST, WIDTH, DONE = ${l.slots}, ${ZYGOTE_FD.firstSlot}, ${SLOT_FDS}, ${CHILD_DONE_FD}
    TMPFS = b'mode=755,uid=${l.uid},gid=${l.gid},size=${l.tmpfsBytes}'
    SHM = b'mode=755,uid=${l.uid},gid=${l.gid},size=${l.shmBytes}'
    last_cap = int(open('/proc/sys/kernel/cap_last_cap').read())
    covers = [line.split()[4].encode() for line in open('/proc/self/mountinfo') if line.split()[4].startswith('/proc/')]
    chunks = []
    while True:
        chunk = os.read(${ZYGOTE_FD.filter}, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(${ZYGOTE_FD.filter})
    programs = b''.join(chunks)
    own_size = int.from_bytes(programs[:4], 'little')
    own_code, code = programs[4:4 + own_size], programs[4 + own_size:]
    if not own_code or len(own_code) % 8 or not code or len(code) % 8:
        raise SystemExit('no seccomp program')

    def sock_fprog(code):
        buf = ctypes.create_string_buffer(code, len(code))
        return buf, ctypes.create_string_buffer(struct.pack('HxxxxxxQ', len(code) // 8, ctypes.addressof(buf)))

    code_buf, fprog = sock_fprog(code)

    def check(ok, what):
        if not ok:
            raise OSError(ctypes.get_errno(), what)

    def mount(src, dst, fstype, flags, data=None):
        check(libc.mount(src, dst, fstype, flags, data) == 0, 'mount ' + dst.decode())

    def prctl(*args):
        check(libc.prctl(*args, *[0] * (5 - len(args))) == 0, 'prctl %d' % args[0])

    def run_program(own):
        signal.signal(signal.SIGINT, signal.default_int_handler)
        prctl(PR_SET_DUMPABLE, 1)
        os.setsid()
        for i, fd in enumerate(own[:3]):
            os.dup2(fd, i)
        os.dup2(own[3], DONE)
        os.closerange(3, DONE)
        os.closerange(DONE + 1, 1 << 20)
        handed_over.append(True)
        _sandbox_finish(DONE, *_sandbox_launch(DONE))

    def clone_into_namespaces():
        # os.fork, but the child starts in new namespaces: pid 1 of its own pid namespace. glibc's
        # own fork steps are skipped (atfork handlers, its cached tid): the child only ever runs
        # the set-up below and forks the program with os.fork, so it must stay that small.
        if open('/proc/self/status').read().count('\\nThreads:\\t1\\n') != 1:
            raise OSError(11, 'the zygote has more than one thread')
        before_fork()
        pid = raw_syscall(*clone_args)
        if pid == 0:
            after_fork_child()
            return 0
        errno = ctypes.get_errno()
        after_fork_parent()
        if pid < 0:
            raise OSError(errno, 'clone')
        return pid

    def child(k):
        own = list(range(FIRST + k * WIDTH, FIRST + (k + 1) * WIDTH))
        os.closerange(0, own[0])
        os.closerange(own[-1] + 1, 1 << 20)
        try:
            if os.read(own[0], 1) != b'G':
                os._exit(125)
            # Rooted at the run's cgroups, which it is in now: it sees them as /, as a cold run does.
            os.unshare(os.CLONE_NEWCGROUP)
            prctl(PR_SET_PDEATHSIG, 9)
            # As bwrap's init: signals from inside the namespace that it does not handle never reach it.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            mount(None, b'/', None, MS_REC | MS_PRIVATE)
            for where, options in ((b'/work', TMPFS), (b'/tmp', TMPFS), (b'/dev/shm', SHM)):
                mount(b'tmpfs', where, b'tmpfs', MS_NOSUID | MS_NODEV, options)
            mount(b'devpts', b'/dev/pts', b'devpts', MS_NOSUID | MS_NOEXEC, b'newinstance,ptmxmode=0666,mode=620')
            mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
            for cover in covers:
                mount(cover, cover, None, MS_BIND)
                mount(None, cover, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
            socket.sethostname('${SANDBOX_HOSTNAME}')
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                flags = struct.unpack_from('H', fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack('16sH', b'lo', 0)), 16)[0]
                fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack('16sH', b'lo', flags | IFF_UP))
            # The cwd still names the zygote's /work under the new mount: shared by every child.
            os.chdir(b'/work')
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
            for cap in range(last_cap + 1):
                prctl(PR_CAPBSET_DROP, cap)
            header = ctypes.create_string_buffer(struct.pack('Ii', CAPABILITY_VERSION_3, 0))
            check(libc.capset(header, ctypes.create_string_buffer(24)) == 0, 'capset')
            # The program can see its init: not to be traced or read (bwrap's own init is not either).
            prctl(PR_SET_DUMPABLE, 0)
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog)
            program = os.fork()
            if program == 0:
                run_program(own)
        except BaseException as e:
            if handed_over:
                raise
            os.write(own[2], ('sandbox setup failed: %r' % (e,)).encode())
            os._exit(125)
        for fd in own:
            os.close(fd)
        while True:
            pid, status = os.wait()
            if pid == program:
                os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status))

    def fork(k):
        slot = range(FIRST + k * WIDTH, FIRST + (k + 1) * WIDTH)
        try:
            pid = clone_into_namespaces()
        except OSError:
            for fd in slot:
                os.close(fd)
            raise
        if pid == 0:
            try:
                child(k)
            except SystemExit:
                if handed_over:
                    raise
            except BaseException:
                if handed_over:
                    # As the interpreter would report it; never back into the zygote's loop.
                    sys.excepthook(*sys.exc_info())
                    os._exit(1)
            os._exit(125)
        for fd in slot:
            os.close(fd)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise
        os.write(1, b'P %d %d\\n' % (k, pid))
        return pidfd, (k, pid)

    # Its own filter, for what it never does itself; each child adds the runner's on top.
    own_buf, own_fprog = sock_fprog(own_code)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, own_fprog)
    # Set in the program once user code may run: a SystemExit the launcher leaves to Python (a
    # status that is not an int) then goes up to the interpreter's top level, as in a cold run.
    handed_over = []
    poll = select.poll()
    poll.register(0, select.POLLIN)
    live, next_slot = {}, 0
    gc.freeze()
    os.write(1, b'R\\n')
    while True:
        for fd, _ in poll.poll():
            if fd == 0:
                command = os.read(0, 64)
                if not command:
                    os._exit(0)
                for _ in range(command.count(b'F')):
                    if next_slot >= SLOTS:
                        raise SystemExit('no slot left')
                    next_slot += 1
                    try:
                        pidfd, entry = fork(next_slot - 1)
                    except OSError as e:
                        os.write(1, b'E %d %d\\n' % (next_slot - 1, e.errno or 0))
                        continue
                    live[pidfd] = entry
                    poll.register(pidfd, select.POLLIN)
            else:
                poll.unregister(fd)
                os.close(fd)
                k, pid = live.pop(fd)
                os.write(1, b'X %d %d\\n' % (k, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])))
_zygote()
`;
}
