import { performance } from 'node:perf_hooks'
import type { DeliveryOutcome } from '../delivery/delivery.js'
import { NotFoundError } from '../errors.js'
import type { Event } from '../event/event.js'
import { dueMsOf } from '../schedule/deliver-at.js'
import type { BusParts } from './bus-parts.js'
import type { ResumeOptions } from './bus-types.js'

/** What `resumeUnfinished` and `replayDeadLetter` need from their bus. */
export type RecoveryDeps = Pick<
  BusParts,
  'store' | 'transport' | 'slots' | 'consumers' | 'deliverer' | 'recorder' | 'maxCrashes' | 'delayed'
>

/** How much longer than its timeout a suspect delivery gets to leave a record before the next one runs. */
const SUSPECT_GRACE_MS = 1000

/** A delivery that was running when a process died, fewer than `maxCrashes` times. */
interface Suspect {
  event: Event
  handler: string
  crashes: number
}

/**
 * `EventBus.resume`: hands the Store's unfinished events back to the transport; resolves to how many (none when
 * the transport keeps unacked events itself). A delivery the Store counts `maxCrashes` interrupted attempts
 * for (the process died that many times while its handler ran) is not handed back: it ends `dead_lettered`
 * with `E_CRASHED_PROCESS`, so a poison event cannot keep the process from starting. Deliveries with fewer
 * crashes run first, one at a time (fewest crashes first), each until its next ledger record is written: a
 * process dying then is charged to that delivery alone, and one that was only unlucky (it finished just before
 * another handler killed the process, its record not yet written) is cleared instead of charged again.
 *
 * @example
 * ```ts
 * const resumed = await resumeUnfinished(deps, { finalizeMissing: true })
 * ```
 */
export async function resumeUnfinished(deps: RecoveryDeps, options: ResumeOptions): Promise<number> {
  // A transport that keeps unacked events (JetStream) redelivers them itself; handing them out again from the
  // Store would run events in flight on other nodes a second time.
  // Delayed events are in the Store's schedule, which the scheduler loop reads (on every node of a cluster).
  if (deps.transport.keepsUnacked) {
    deps.delayed.resumed()
    return 0
  }
  const { slots, recorder, maxCrashes } = deps
  const unfinished = await deps.store.unfinishedEvents()
  await deps.consumers.ready()
  const resumed = new Set<string>()
  const suspects: Suspect[] = []
  const rest: { event: Event; handlers: string[] }[] = []
  for (const { event, handlers, interrupted } of unfinished) {
    if (await stillDelayed(deps, event, handlers)) continue
    let targets: string[] = []
    for (const name of handlers) {
      const crashes = interrupted?.[name] ?? 0
      if (crashes >= maxCrashes) await recorder.crashed(event, name, crashes, maxCrashes)
      else if (crashes > 0 && slots.get(name)?.entry !== undefined)
        suspects.push({ event, handler: name, crashes })
      else targets.push(name)
    }
    if (options.finalizeMissing) {
      const all = targets
      targets = all.filter((name) => slots.has(name))
      for (const name of all)
        if (!slots.has(name)) recorder.unrouted(event, name, 'handler no longer subscribed')
    }
    if (targets.length > 0) rest.push({ event, handlers: targets })
  }
  suspects.sort((a, b) => a.crashes - b.crashes)
  for (const { event, handler } of suspects) {
    const timeoutMs = slots.get(handler)?.entry?.policy.timeoutMs ?? 0
    const recorded = recorder.recorded(event, handler, timeoutMs + SUSPECT_GRACE_MS)
    await deps.transport.publish(event, { handlers: [handler] })
    resumed.add(event.id)
    await recorded
  }
  for (const { event, handlers } of rest) {
    await deps.transport.publish(event, { handlers })
    resumed.add(event.id)
  }
  // The finalised rows are in the Store when resume resolves (unfinishedEvents no longer lists them).
  await recorder.flush()
  deps.delayed.resumed()
  return resumed.size
}

/**
 * Whether a delayed event is not due yet: it stays in the schedule (its entry written again, in case the process
 * died before it was). An overdue one is taken out of the schedule and resumed like any other, once.
 */
async function stillDelayed(
  deps: Pick<RecoveryDeps, 'delayed'>,
  event: Event,
  handlers: string[],
): Promise<boolean> {
  const dueMs = dueMsOf(event)
  if (dueMs === undefined || Number.isNaN(dueMs)) return false
  if (dueMs > Date.now()) {
    await deps.delayed.keep(event, handlers, dueMs)
    return true
  }
  return !(await deps.delayed.takeOverdue(event))
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
