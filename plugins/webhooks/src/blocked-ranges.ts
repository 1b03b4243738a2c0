import { BlockList, isIP } from 'node:net'

/** Address ranges a webhook may not reach by default, each under the name its error message uses. */
const RANGES: ReadonlyArray<readonly [reason: string, subnets: readonly string[]]> = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['broadcast', ['255.255.255.255/32']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  [
    'reserved',
    [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.88.99.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
      // IPv4-compatible IPv6 (deprecated) and the discard and documentation prefixes
      '::/96',
      '100::/64',
      '2001:db8::/32',
    ],
  ],
]

// One BlockList per reason, built once: a check is then a handful of range lookups. BlockList matches an
// IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 rules, so those forms need no extra entries.
const LISTS = RANGES.map(([reason, subnets]) => {
  const list = new BlockList()
  for (const subnet of subnets) {
    const [network = '', prefix = ''] = subnet.split('/')
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4')
  }
  return { reason, list }
})

/**
 * Why an IP address is off limits for webhooks (`'loopback'`, `'private'`, `'link-local'`, …), or `undefined`
 * when it is a public address. `address` must be an IP literal without brackets.
 *
 * @example
 * ```ts
 * blockedRange('169.254.169.254') // 'link-local'
 * blockedRange('::ffff:127.0.0.1') // 'loopback'
 * blockedRange('93.184.215.14') // undefined
 * ```
 */
export function blockedRange(address: string): string | undefined {
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  return LISTS.find(({ list }) => list.check(address, type))?.reason
}
