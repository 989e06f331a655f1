/** The part of geoip-lite 2.x this service uses (the package ships no typings). */
declare module 'geoip-lite' {
  export interface GeoRecord {
    range: [number, number] | string;
    country: string;
    region: string;
    eu: string;
    timezone: string;
    city: string;
    ll: [number | null, number | null];
    metro?: number;
    area?: number;
  }

  export function lookup(ip: string): GeoRecord | null;
}
