import { Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { ServicesConfig } from '../config/services.config';
import { ROUTE_METADATA, RateLimitDeclaration, RouteDeclaration, SERVICE_METADATA, ServiceDeclaration } from './service-declaration';

export interface RouteEntry {
  service: string;
  method: string;
  path: string;
  cost: number;
  rateLimit?: RateLimitDeclaration;
  /** Routes with a limit of their own count apart from the rest of their service. */
  limitBucket: string;
  description?: string;
}

export interface ServiceEntry {
  name: string;
  aliases: string[];
  description: string;
  cost: number;
  rateLimit?: RateLimitDeclaration;
  routes: RouteEntry[];
}

/** The one source of truth for name, aliases, cost and limits, built from the services' declarations. */
@Injectable()
export class ServiceRegistry implements OnModuleInit {
  private readonly services = new Map<string, ServiceEntry>();
  private readonly byAlias = new Map<string, string>();
  private readonly byHandler = new Map<Function, RouteEntry>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly config: ServicesConfig,
  ) {}

  onModuleInit(): void {
    const overrides = this.config.costOverrides();
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      const declaration = type && this.reflector.get<ServiceDeclaration>(SERVICE_METADATA, type);
      if (!type || !declaration) continue;
      this.register(type, declaration, overrides.get(declaration.name));
    }
    for (const name of overrides.keys()) {
      if (!this.services.has(name)) throw new Error(`SERVICE_COSTS names an unknown service "${name}"`);
    }
  }

  private register(type: new (...a: unknown[]) => unknown, declaration: ServiceDeclaration, costOverride?: number): void {
    const names = [declaration.name, ...(declaration.aliases ?? [])];
    for (const n of names) {
      if (this.byAlias.has(n) || n === 'services') throw new Error(`Service name or alias "${n}" is declared twice`);
      this.byAlias.set(n, declaration.name);
    }
    const serviceCost = costOverride ?? declaration.cost;
    const entry: ServiceEntry = {
      name: declaration.name,
      aliases: declaration.aliases ?? [],
      description: declaration.description,
      cost: serviceCost,
      rateLimit: declaration.rateLimit,
      routes: [],
    };
    const proto = type.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const handler = proto[key];
      if (key === 'constructor' || typeof handler !== 'function') continue;
      const method = this.reflector.get<RequestMethod>(METHOD_METADATA, handler);
      if (method === undefined) continue;
      const own = this.reflector.get<RouteDeclaration>(ROUTE_METADATA, handler) ?? {};
      const subPath = String(this.reflector.get<string>(PATH_METADATA, handler) ?? '').replace(/^\/+/, '');
      const declaredCost = own.cost ?? declaration.cost;
      const route: RouteEntry = {
        service: declaration.name,
        method: RequestMethod[method],
        path: `/v1/${declaration.name}${subPath ? `/${subPath}` : ''}`,
        cost: declaredCost === 0 ? 0 : (costOverride ?? declaredCost),
        rateLimit: own.rateLimit ?? declaration.rateLimit,
        limitBucket: own.rateLimit ? `${declaration.name}:${RequestMethod[method]}:${subPath}` : declaration.name,
        description: own.description,
      };
      entry.routes.push(route);
      this.byHandler.set(handler, route);
    }
    this.services.set(declaration.name, entry);
  }

  list(): ServiceEntry[] {
    return [...this.services.values()];
  }

  /** Canonical name for a name or alias, or undefined. */
  resolve(nameOrAlias: string): string | undefined {
    return this.byAlias.get(nameOrAlias);
  }

  routeFor(handler: Function): RouteEntry | undefined {
    return this.byHandler.get(handler);
  }
}
