import type { DeliveryPolicy } from '../delivery/delivery.js'

/**
 * What flow control needs of the handler it gates: its name (the key of its windows and slots), its policy (how long
 * a slot lease must last) and its concurrency slots. `HandlerEntry` is one; naming only this keeps flow/ from
 * depending back on the delivery entry that holds the gate.
 */
export interface GatedHandler {
  readonly name: string
  readonly policy: DeliveryPolicy
  /** Takes one of the handler's concurrency slots; false when all are in use. */
  tryAcquire(): boolean
  /** Gives back a slot `tryAcquire` took. */
  release(): void
}
