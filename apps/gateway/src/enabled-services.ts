import { Type } from '@nestjs/common';

/** The services this gateway hosts: adding one is one line here. */
export const ENABLED_SERVICES: Type[] = [];
