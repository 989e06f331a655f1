import { Module } from '@nestjs/common';
import { IpgeoController } from './ipgeo.controller';
import { IpgeoService } from './ipgeo.service';

@Module({
  controllers: [IpgeoController],
  providers: [IpgeoService],
})
export class IpgeoModule {}
