import { SetMetadata } from '@nestjs/common';

export const REQUIRE_API_KEY = 'gateway:require-api-key';

/** For platform routes outside /v1 that need a key (service routes need one anyway). */
export const RequireApiKey = () => SetMetadata(REQUIRE_API_KEY, true);
