export interface RateLimitDeclaration {
  /** Requests allowed per window, per key. */
  limit: number;
  windowSec: number;
}

/** What a service says about itself; the gateway reads nothing else. */
export interface ServiceDeclaration {
  name: string;
  aliases?: string[];
  description: string;
  /** Credits per call for routes that do not declare their own cost. */
  cost: number;
  rateLimit?: RateLimitDeclaration;
}

export interface RouteDeclaration {
  cost?: number;
  rateLimit?: RateLimitDeclaration;
  description?: string;
}

export const SERVICE_METADATA = 'gateway:service';
export const ROUTE_METADATA = 'gateway:route';
