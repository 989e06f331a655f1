import { join } from 'node:path';
import { definitionHash, ROOTFS_DEFINITION } from './rootfs-definition';
import { rootfsInfo } from './rootfs-info';

describe('rootfs definition and info', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names tree and image after the definition hash', () => {
    delete process.env.SANDBOX_DATA_DIR;
    delete process.env.SANDBOX_ROOTFS_DIR;
    const info = rootfsInfo();
    expect(info.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(info.hash).toBe(definitionHash());
    expect(info.dir.endsWith(join('.data', 'sandbox', `rootfs-${info.hash}`))).toBe(true);
    expect(info.imageTag).toBe(`sandbox-runtime:${info.hash}`);
    expect(info.manifestPath).toBe(join(info.dir, 'etc', 'sandbox-rootfs.json'));
  });

  it('changes the hash whenever the definition changes', () => {
    expect(definitionHash({ ...ROOTFS_DEFINITION, recipe: ROOTFS_DEFINITION.recipe + 1 })).not.toBe(definitionHash());
    expect(definitionHash({ ...ROOTFS_DEFINITION, packages: [...ROOTFS_DEFINITION.packages, 'curl'] })).not.toBe(
      definitionHash(),
    );
  });

  it('honours SANDBOX_DATA_DIR and SANDBOX_ROOTFS_DIR', () => {
    process.env.SANDBOX_DATA_DIR = '/srv/sandbox';
    expect(rootfsInfo().dir).toBe(`/srv/sandbox/rootfs-${definitionHash()}`);
    process.env.SANDBOX_ROOTFS_DIR = '/opt/tree';
    expect(rootfsInfo()).toMatchObject({ dir: '/opt/tree', built: false });
  });

  it('pins the runtimes the spec promises', () => {
    expect(ROOTFS_DEFINITION.packages).toEqual(expect.arrayContaining(['python3', 'bash', 'coreutils', 'procps']));
    expect(ROOTFS_DEFINITION.node.version).toMatch(/^20\./);
    expect(ROOTFS_DEFINITION.node.integrity).toMatch(/^sha512-/);
    expect(ROOTFS_DEFINITION.user.uid).not.toBe(0);
  });
});
