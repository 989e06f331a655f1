export { DockerBackend } from './docker-backend';
export { DOCKER_BACKEND_LABEL, DOCKER_BACKEND_LABEL_VALUE } from './docker-backend-options';
export type { DockerBackendOptions } from './docker-backend-options';
