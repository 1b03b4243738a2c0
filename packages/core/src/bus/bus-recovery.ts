import { performance } from 'node:perf_hooks'
import type { DeliveryOutcome } from '../delivery/delivery.js'
import { NotFoundError } from '../errors.js'
import type { BusParts } from './bus-parts.js'
import type { ResumeOptions } from './bus-types.js'

/** What `resumeUnfinished` and `replayDeadLetter` need from their bus. */
export type RecoveryDeps = Pick<
  BusParts,
  'store' | 'transport' | 'slots' | 'consumers' | 'deliverer' | 'recorder' | 'maxCrashes'
>

/**
 * `EventBus.resume`: hands the Store's unfinished events back to the transport; resolves to how many (none when
 * the transport keeps unacked events itself). A delivery the Store counts `maxCrashes` interrupted attempts
 * for (the process died that many times while its handler ran) is not handed back: it ends `dead_lettered`
 * with `E_CRASHED_PROCESS`, so a poison event cannot keep the process from starting.
 *
 * @example
 * ```ts
 * const resumed = await resumeUnfinished(deps, { finalizeMissing: true })
 * ```
 */
export async function resumeUnfinished(deps: RecoveryDeps, options: ResumeOptions): Promise<number> {
  // A transport that keeps unacked events (JetStream) redelivers them itself; handing them out again from the
  // Store would run events in flight on other nodes a second time.
  if (deps.transport.keepsUnacked) return 0
  const { slots, recorder } = deps
  const unfinished = await deps.store.unfinishedEvents()
  await deps.consumers.ready()
  let resumed = 0
  for (const { event, handlers, interrupted } of unfinished) {
    let targets = handlers
    if (interrupted !== undefined) {
      targets = []
      for (const name of handlers) {
        const crashes = interrupted[name] ?? 0
        if (crashes >= deps.maxCrashes) await recorder.crashed(event, name, crashes, deps.maxCrashes)
        else targets.push(name)
      }
    }
    if (options.finalizeMissing) {
      const all = targets
      targets = all.filter((name) => slots.has(name))
      for (const name of all)
        if (!slots.has(name)) recorder.unrouted(event, name, 'handler no longer subscribed')
    }
    if (targets.length === 0) continue
    await deps.transport.publish(event, { handlers: targets })
    resumed++
  }
  // The finalised rows are in the Store when resume resolves (unfinishedEvents no longer lists them).
  await recorder.flush()
  return resumed
}

/**
 * `EventBus.replayDeadLetter`: runs a dead letter's handler again; deletes the dead letter on success.
 *
 * @example
 * ```ts
 * const outcome = await replayDeadLetter(deps, 'dl-1')
 * ```
 */
export async function replayDeadLetter(
  deps: Pick<RecoveryDeps, 'store' | 'slots' | 'deliverer' | 'recorder'>,
  id: string,
): Promise<DeliveryOutcome> {
  const deadLetter = await deps.store.getDeadLetter(id)
  if (deadLetter === undefined) throw new NotFoundError(`dead letter ${id}`)
  const slot = deps.slots.get(deadLetter.handler)
  if (slot?.entry === undefined) throw new NotFoundError(`handler ${deadLetter.handler}`)
  const outcome = await deps.deliverer.direct(slot, deadLetter.event, performance.now(), true)
  if (outcome.status === 'succeeded' || outcome.status === 'skipped_duplicate')
    await deps.recorder.replayed(id)
  return outcome
}
