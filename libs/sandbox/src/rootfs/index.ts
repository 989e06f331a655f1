export { ROOTFS_DEFINITION, RootfsDefinition, definitionHash } from './rootfs-definition';
export { rootfsInfo, RootfsInfo, sandboxDataDir, SANDBOX_IMAGE_REPO } from './rootfs-info';
