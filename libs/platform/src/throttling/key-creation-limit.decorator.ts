import { SetMetadata } from '@nestjs/common';

export const KEY_CREATION_LIMIT = 'gateway:key-creation-limit';

/** The route is limited per client IP by KEY_CREATE_LIMIT / KEY_CREATE_WINDOW_SEC. */
export const KeyCreationLimit = () => SetMetadata(KEY_CREATION_LIMIT, true);
