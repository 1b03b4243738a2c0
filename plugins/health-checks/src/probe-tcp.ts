import { converse } from './socket-conversation.js'

/** What a successful probe reports besides "it answered". */
export type ProbeDetails = Record<string, string | number | boolean>

/**
 * Succeeds when a TCP connection to the `tcp://host:port` URL opens within `timeoutMs`; throws otherwise.
 *
 * @example
 * ```ts
 * await probeTcp(new URL('tcp://127.0.0.1:6379'), 1000)
 * ```
 */
export async function probeTcp(url: URL, timeoutMs: number): Promise<ProbeDetails> {
  await converse(url.hostname, Number(url.port), timeoutMs, async () => undefined)
  return {}
}
