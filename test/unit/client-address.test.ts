import { describe, expect, it } from 'vitest';
import { networkOf } from '../../src/http/client-address.js';

describe('the network per-address limits count', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:a:b:c:d', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, network) => {
    expect(networkOf(address)).toBe(network);
  });

  it('two addresses of one IPv6 subscriber (/64) are one network; another /64 is another', () => {
    expect(networkOf('2001:db8:aa:bb:1::1')).toBe(networkOf('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
    expect(networkOf('2001:db8:aa:bc::1')).not.toBe(networkOf('2001:db8:aa:bb::1'));
  });
});

describe('the wider network the admin login counts', () => {
  it.each([
    ['2001:db8:1:2:a:b:c:d', '2001:db8:1::/48'],
    ['2001:db8:1:ffff::1', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
  ])('%s counts as %s', (address, network) => {
    expect(networkOf(address, 48)).toBe(network);
  });

  it('every /64 of one /48 is one network; the next /48 is another', () => {
    expect(networkOf('2001:db8:aa:1::1', 48)).toBe(networkOf('2001:db8:aa:fffe::1', 48));
    expect(networkOf('2001:db8:ab:1::1', 48)).not.toBe(networkOf('2001:db8:aa:1::1', 48));
  });
});
