import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import Emittery from 'emittery'
import type { BenchCase } from '../../lib/measure.js'
import { createWork, otherType, type Payload, type Topology, type Work } from './topology.js'

// mitt's and EventEmitter2's type declarations describe CommonJS modules whose default export TypeScript
// cannot see through an ESM default import, so both are loaded as the CommonJS modules they are.
const require = createRequire(import.meta.url)
const mitt = require('mitt') as typeof import('mitt')['default']
const { EventEmitter2 } = require('eventemitter2') as typeof import('eventemitter2')

type Handler = (payload: Payload) => Promise<void>
/** Emits one payload and settles once every reached handler's promise settled. */
type Emit = (payload: Payload) => Promise<unknown>

interface Peer {
  name: string
  /** Whether the matching subscription can be the topology's pattern rather than the exact type. */
  patterns: boolean
  create(topology: Topology, subscribe: (on: (key: string, handler: Handler) => void) => void): Emit
}

// Peers have no idempotency. This is the least work that gives the same guarantee in memory: keys recorded
// after success, bounded by keeping two generations of at most `dedupeKeys` each (deleting a Set's oldest
// entry one at a time is slow in V8: iteration skips every deleted slot).
const dedupeKeys = 50_000

function dedupe(handler: Handler): Handler {
  let current = new Set<string>()
  let previous = new Set<string>()
  return async (payload) => {
    const key = payload.metadata.idempotencyKey
    if (current.has(key) || previous.has(key)) return
    await handler(payload)
    current.add(key)
    if (current.size >= dedupeKeys) {
      previous = current
      current = new Set()
    }
  }
}

function matchingHandler(topology: Topology, work: Work): Handler {
  const handler = work.newHandler()
  return topology.idempotent ? dedupe(handler) : handler
}

/** Emitters that drop listener return values get listeners that collect the promises, awaited after emit. */
function settle(pending: Promise<unknown>[]): Promise<unknown> {
  const all = Promise.all(pending)
  pending.length = 0
  return all
}

const peers: Peer[] = [
  {
    name: 'bare loop',
    patterns: false,
    create(topology, subscribe) {
      const handlers: Handler[] = []
      subscribe((key, handler) => key === topology.type && handlers.push(handler))
      return (event) => Promise.all(handlers.map((h) => h(event)))
    },
  },
  {
    name: 'node:events',
    patterns: false,
    create(topology, subscribe) {
      const emitter = new EventEmitter()
      emitter.setMaxListeners(0)
      const pending: Promise<unknown>[] = []
      subscribe((key, handler) => emitter.on(key, (payload: Payload) => pending.push(handler(payload))))
      return (payload) => {
        emitter.emit(topology.type, payload)
        return settle(pending)
      }
    },
  },
  {
    name: 'mitt',
    patterns: false,
    create(topology, subscribe) {
      const emitter = mitt<Record<string, Payload>>()
      const pending: Promise<unknown>[] = []
      subscribe((key, handler) => emitter.on(key, (payload) => pending.push(handler(payload))))
      return (payload) => {
        emitter.emit(topology.type, payload)
        return settle(pending)
      }
    },
  },
  {
    name: 'eventemitter2',
    patterns: true,
    create(topology, subscribe) {
      const emitter = new EventEmitter2({ wildcard: topology.pattern !== undefined, maxListeners: 0 })
      subscribe((key, handler) => emitter.on(key, handler))
      return (payload) => emitter.emitAsync(topology.type, payload)
    },
  },
  {
    name: 'emittery',
    patterns: false,
    create(topology, subscribe) {
      const emitter = new Emittery<Record<string, Payload>>()
      subscribe((key, handler) => emitter.on(key, handler))
      return (payload) => emitter.emit(topology.type, payload)
    },
  },
]

let sequence = 0

function createPayloads(type: string, count: number): Payload[] {
  return Array.from({ length: count }, (_, n) => {
    const id = `payload-${++sequence}`
    return { id, type, data: { n }, metadata: { idempotencyKey: id } }
  })
}

function peerCase(peer: Peer, topology: Topology): BenchCase {
  return {
    name: peer.name,
    setup() {
      const work = createWork()
      const emit = peer.create(topology, (on) => {
        for (let k = 0; k < topology.others; k++) on(otherType(k), work.newHandler())
        const key = peer.patterns && topology.pattern ? topology.pattern : topology.type
        for (let k = 0; k < topology.matching; k++) on(key, matchingHandler(topology, work))
      })
      let payloads: Payload[] = []
      return {
        prepare(count) {
          payloads = createPayloads(topology.type, count)
        },
        run: (i) => emit(payloads[i]!),
        calls: work.calls,
        callsPerOp: topology.matching,
      }
    },
  }
}

/**
 * The baseline and the peer emitters (node:events, mitt, EventEmitter2, emittery) set up with `topology`.
 * Each awaits every reached handler's promise before the next emit, as `bus.publish` does.
 *
 * @example
 * ```ts
 * const cases = peerCases({ type: 'order.placed', matching: 1, others: 0, idempotent: false })
 * ```
 */
export function peerCases(topology: Topology): BenchCase[] {
  return peers.map((peer) => peerCase(peer, topology))
}
