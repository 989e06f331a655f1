import { Type } from '@nestjs/common';
import { CoderunnerModule, DnsModule, HashModule, IpgeoModule } from '@app/services';

/** The services this gateway hosts: adding one is one line here. */
export const ENABLED_SERVICES: Type[] = [CoderunnerModule, DnsModule, IpgeoModule, HashModule];
