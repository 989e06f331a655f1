export type { RootfsDefinition } from './rootfs-definition';
export { ROOTFS_DEFINITION, definitionHash } from './rootfs-definition';
export type { RootfsInfo } from './rootfs-info';
export { rootfsInfo, sandboxDataDir, SANDBOX_IMAGE_REPO } from './rootfs-info';
