export { CoderunnerModule } from './coderunner/coderunner.module';
export { DnsModule } from './dns/dns.module';
export type { DnsLookupResult, DnsRecord, MxRecord, SoaRecord, SrvRecord, CaaRecord } from './dns/dns-lookup-result';
export type { DnsRecordType } from './dns/dns-record-type';
export { IpgeoModule } from './ipgeo/ipgeo.module';
export type { IpgeoResult, IpLocationResult, ReservedIpResult } from './ipgeo/ipgeo-result';
export type { IpgeoDataSource } from './ipgeo/ipgeo-data-source';
export { HashModule } from './example/hash.module';
export type { HashResult } from './example/hash-result';
