import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { TransportSetupError } from '../errors.js'

/** The stream settings the transport decides. */
export interface StreamSpec {
  name: string
  subjects: string[]
  duplicateWindowMs: number
  maxAgeMs: number
  replicas: number
}

/**
 * Creates the event stream, or adds missing subjects to an existing one. Retention is by interest: an event
 * stays until every consumer whose filter matches it has acked it, so the stream is the durable outbox and
 * needs no cleanup; `discard: new` makes a full stream refuse publishes instead of dropping unhandled events.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  try {
    const existing = await streamConfig(jsm, spec.name)
    if (existing === undefined) {
      await jsm.streams.add({
        name: spec.name,
        subjects: spec.subjects,
        retention: RetentionPolicy.Interest,
        storage: StorageType.File,
        discard: DiscardPolicy.New,
        duplicate_window: nanos(spec.duplicateWindowMs),
        max_age: nanos(spec.maxAgeMs),
        num_replicas: spec.replicas,
      })
      return
    }
    const missing = spec.subjects.filter((subject) => !existing.subjects.includes(subject))
    if (missing.length > 0) {
      await jsm.streams.update(spec.name, { ...existing, subjects: [...existing.subjects, ...missing] })
    }
  } catch (cause) {
    throw new TransportSetupError(`stream "${spec.name}" with subjects ${spec.subjects.join(', ')}`, cause)
  }
}

async function streamConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)
      return undefined
    throw error
  }
}
