export interface ReservedIpResult {
  ip: string;
  version: 4 | 6;
  reserved: true;
  /** Which special-purpose range: private, loopback, link-local, cgnat, multicast, documentation, … */
  range: string;
}

export interface IpLocationResult {
  ip: string;
  version: 4 | 6;
  reserved: false;
  /** False when the database has no entry for this public address; the location fields are then null. */
  found: boolean;
  country: string | null;
  countryName: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  eu: boolean | null;
  accuracyRadiusKm: number | null;
}

export type IpgeoResult = ReservedIpResult | IpLocationResult;
