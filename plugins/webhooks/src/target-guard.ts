import { lookup as dnsLookup } from 'node:dns'
import { lookup as dnsLookupAll } from 'node:dns/promises'
import { isIP, type LookupFunction } from 'node:net'
import { blockedRange } from './blocked-ranges.js'
import { BlockedTargetError, UnresolvableHostError } from './errors.js'

// The system resolver retries for tens of seconds on a dead name server; a subscription request should not.
const LOOKUP_TIMEOUT_MS = 5_000

/** Which webhook targets are allowed besides public addresses. */
export interface TargetPolicy {
  /** Reach every address, loopback, private and link-local ones included. */
  allowPrivateNetworks: boolean
  /** Host names or IP literals reachable whatever they resolve to, compared exactly (case aside). */
  allowedHosts: readonly string[]
}

/**
 * Keeps webhooks away from the server's own network (server-side request forgery): a target whose address is
 * loopback, private, link-local (169.254.169.254, the cloud metadata service), CGNAT, unspecified, multicast,
 * broadcast or reserved is refused unless the policy allows it. `check` is for when a subscription is saved;
 * `checkLiteral` and `lookup` are for the moment of connecting, so that a name that resolved to a public address
 * then and to a private one now (DNS rebinding) is refused, and the socket goes to the address that was checked.
 *
 * @example
 * ```ts
 * const guard = new TargetGuard({ allowPrivateNetworks: false, allowedHosts: ['hooks.internal'] })
 * await guard.check('http://169.254.169.254/latest') // throws BlockedTargetError
 * http.request(url, { lookup: guard.lookup })          // connects only to allowed addresses
 * ```
 */
export class TargetGuard {
  readonly #allowAny: boolean
  readonly #allowedHosts: ReadonlySet<string>

  constructor(policy: TargetPolicy) {
    this.#allowAny = policy.allowPrivateNetworks
    this.#allowedHosts = new Set(policy.allowedHosts.map((host) => canonicalHost(host) ?? host.toLowerCase()))
  }

  /**
   * Resolves the URL's host and throws `BlockedTargetError` when it is, or resolves to, a refused address, or
   * `UnresolvableHostError` when it does not resolve. A host in `allowedHosts` is not looked up.
   */
  async check(url: string): Promise<void> {
    const host = bareHost(new URL(url).hostname)
    if (this.#allowedHosts.has(host)) return
    if (isIP(host)) return this.checkLiteral(url)
    const addresses = await resolveWithin(host, LOOKUP_TIMEOUT_MS).catch((error: unknown) => {
      throw new UnresolvableHostError(host, error)
    })
    const refused = this.#refusal(
      host,
      addresses.map((entry) => entry.address),
    )
    if (refused) throw refused
  }

  /**
   * Throws `BlockedTargetError` when the URL's host is a refused IP literal. Needed before connecting, because a
   * socket connects to an IP literal without calling `lookup`.
   */
  checkLiteral(url: string): void {
    const host = bareHost(new URL(url).hostname)
    const refused = isIP(host) ? this.#refusal(host, [host]) : undefined
    if (refused) throw refused
  }

  /**
   * A `lookup` for `net.connect`/`http.request`: resolves like `dns.lookup` and fails the connection with
   * `BlockedTargetError` when any resolved address is refused, so the socket only reaches checked addresses.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, [])
      const first = addresses[0]
      if (first === undefined) return callback(new UnresolvableHostError(hostname, undefined), [])
      const refused = this.#refusal(
        bareHost(hostname),
        addresses.map((entry) => entry.address),
      )
      if (refused) return callback(refused, [])
      if (options.all) return callback(null, addresses)
      callback(null, first.address, first.family)
    })
  }

  #refusal(host: string, addresses: readonly string[]): BlockedTargetError | undefined {
    if (this.#allowAny || this.#allowedHosts.has(host)) return undefined
    for (const address of addresses) {
      const reason = blockedRange(address)
      if (reason !== undefined) return new BlockedTargetError(host, address, reason)
    }
    return undefined
  }
}

/**
 * The form a host takes in a URL, without IPv6 brackets or a trailing dot (`LOCALHOST.` → `localhost`,
 * `[::1]` → `::1`, `0x7f.1` → `127.0.0.1`), or `undefined` when `host` is not a bare host name or IP address
 * (it has a port, path, user or scheme).
 *
 * @example
 * ```ts
 * canonicalHost('Hooks.Internal') // 'hooks.internal'
 * canonicalHost('hooks.internal:8080') // undefined
 * ```
 */
export function canonicalHost(host: string): string | undefined {
  const bare = bareHost(host)
  const href = `http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`
  if (bare === '' || !URL.canParse(href)) return undefined
  const url = new URL(href)
  const plain =
    !url.port && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash
  return plain ? bareHost(url.hostname) : undefined
}

async function resolveWithin(host: string, ms: number) {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })), ms)
  })
  try {
    return await Promise.race([dnsLookupAll(host, { all: true }), timedOut])
  } finally {
    clearTimeout(timer)
  }
}

function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase()
}
