import { DnsRecordType } from './dns-record-type';

export interface MxRecord {
  priority: number;
  exchange: string;
}

export interface SoaRecord {
  nsname: string;
  hostmaster: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minttl: number;
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface CaaRecord {
  critical: number;
  tag: string;
  value: string;
}

/** A/AAAA/CNAME/NS/PTR are plain strings; a TXT record is its character-strings joined. */
export type DnsRecord = string | MxRecord | SoaRecord | SrvRecord | CaaRecord;

export interface DnsLookupResult {
  name: string;
  type: DnsRecordType;
  records: DnsRecord[];
  /** The servers the query was sent to, as `host:port` joined by commas. */
  resolver: string;
  /** Seconds the answer stays valid (A/AAAA only: the other types do not expose TTLs). */
  ttl?: number;
  cached: boolean;
}
