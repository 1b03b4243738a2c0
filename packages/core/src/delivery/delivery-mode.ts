import type { TransportMessage } from '../transport/transport.js'

/**
 * Where a delivery comes from, which decides how a failed attempt is retried and what the delivery gives back
 * when it ends:
 * - `publish`: retries wait in place. `holds` is what the delivery took when it went past the gates (a
 *   concurrency slot, and for an idempotent handler the claim on the idempotencyKey) and gives back at its end;
 *   a delivery that went through the gates holds nothing (the gates give back what they took).
 * - `replay`: a dead letter run again, or a stored event run through one handler again (`EventBus.replayHandler`);
 *   retries wait in place, and exhausting them does not dead-letter again. `anew`: the handler runs even when it
 *   already handled the event's idempotencyKey (the replay was asked to bypass idempotency).
 * - `transport`: a message of the transport. A retry of an unordered event goes back to the transport (nak
 *   with a delay); an ordered one waits in place, telling the message it is still being worked on. When the bus
 *   shuts down, the delivery is handed back for redelivery instead of ending.
 *
 * @example
 * ```ts
 * const mode: DeliveryMode = { from: 'transport', message }
 * ```
 */
export type DeliveryMode =
  | { readonly from: 'publish'; readonly holds: 'nothing' | 'slot' | 'slot-and-key' }
  | { readonly from: 'replay'; readonly anew?: boolean }
  | { readonly from: 'transport'; readonly message: TransportMessage }
