import { parseIp } from './ip-address';
import { reservedKindOf } from './reserved-ranges';

describe('parseIp', () => {
  it.each([
    ['8.8.8.8', { ip: '8.8.8.8', family: 4 }],
    [' 8.8.8.8 ', { ip: '8.8.8.8', family: 4 }],
    ['2001:4860:4860:0000:0000:0000:0000:8888', { ip: '2001:4860:4860::8888', family: 6 }],
    ['2001:DB8::1', { ip: '2001:db8::1', family: 6 }],
    ['::ffff:10.0.0.1', { ip: '10.0.0.1', family: 4 }],
    ['::FFFF:0a00:0001', { ip: '10.0.0.1', family: 4 }],
  ])('parses %s', (input, expected) => expect(parseIp(input)).toEqual(expected));

  it.each(['', 'example.com', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'fe80::1%eth0', '::g', '1.2.3.4/24'])('refuses %p', (input) =>
    expect(parseIp(input)).toBeUndefined(),
  );
});

describe('reservedKindOf', () => {
  it('does not mistake public IPv4 for the IPv6 reserved blocks that cover ::ffff:0:0/96', () => {
    expect(reservedKindOf('8.8.8.8', 4)).toBeUndefined();
    expect(reservedKindOf('81.2.69.142', 4)).toBeUndefined();
  });

  it.each([
    ['100.63.255.255', 4, undefined],
    ['100.64.0.0', 4, 'cgnat'],
    ['100.127.255.255', 4, 'cgnat'],
    ['100.128.0.0', 4, undefined],
    ['172.15.255.255', 4, undefined],
    ['172.31.255.255', 4, 'private'],
    ['2001:4860::1', 6, undefined],
    ['2001:1ff::1', 6, 'reserved'],
    ['2002::1', 6, undefined],
    ['fec0::1', 6, 'reserved'],
    ['febf::1', 6, 'link-local'],
    ['1fff::1', 6, 'reserved'],
  ] as const)('classifies the edge %s', (ip, family, kind) => expect(reservedKindOf(ip, family)).toBe(kind));
});
