import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CatalogController } from './catalog.controller';
import { ServiceRegistry } from './service-registry.service';

@Module({
  imports: [DiscoveryModule],
  controllers: [CatalogController],
  providers: [ServiceRegistry],
  exports: [ServiceRegistry],
})
export class CatalogModule {}
