import { Controller, SetMetadata, applyDecorators } from '@nestjs/common';
import { ROUTE_METADATA, RouteDeclaration, SERVICE_METADATA, ServiceDeclaration } from './service-declaration';

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Marks a controller as a gateway service mounted at `/v1/<name>`. Every handler
 * in it is a paid, authenticated, rate-limited route.
 */
export function GatewayService(declaration: ServiceDeclaration): ClassDecorator {
  for (const n of [declaration.name, ...(declaration.aliases ?? [])]) {
    if (!SERVICE_NAME_PATTERN.test(n)) throw new Error(`Invalid service name or alias "${n}"`);
  }
  return applyDecorators(Controller(`v1/${declaration.name}`), SetMetadata(SERVICE_METADATA, declaration));
}

/** Overrides the service's cost or rate limit for one route. */
export function ServiceRoute(declaration: RouteDeclaration): MethodDecorator {
  return SetMetadata(ROUTE_METADATA, declaration);
}
