import { signal } from '@preact/signals'
import type { SwitchyardEvent } from './types'

/** Events kept for the list and the detail page, newest first: enough to scroll back, bounded in memory. */
const MAX_EVENTS = 5000

/** The live stream's state: the events received (newest first), paused or not, connected or not. */
export const streamedEvents = signal<SwitchyardEvent[]>([])
export const streamPaused = signal(false)
export const streamState = signal<'connecting' | 'live' | 'reconnecting'>('connecting')

let source: EventSource | undefined
let pending: SwitchyardEvent[] = []
let frame = 0

// One list update per animation frame however many events arrive: a 1,000-event/s stream stays smooth.
function flush(): void {
  frame = 0
  if (streamPaused.value || pending.length === 0) return
  const arrived = pending.reverse()
  pending = []
  streamedEvents.value = [...arrived, ...streamedEvents.value].slice(0, MAX_EVENTS)
}

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(flush)
}

/**
 * Follows `GET /api/v1/events/stream?pattern=…` (the session cookie goes along); a new pattern replaces the
 * connection and clears the list. While paused, arriving events wait (bounded) and join the list on resume.
 *
 * @example
 * ```ts
 * followStream('order.**')
 * ```
 */
export function followStream(pattern: string): void {
  stopStream()
  streamedEvents.value = []
  streamState.value = 'connecting'
  source = new EventSource(`/api/v1/events/stream?${new URLSearchParams({ pattern })}`)
  source.onopen = () => {
    streamState.value = 'live'
  }
  source.onerror = () => {
    streamState.value = 'reconnecting'
  }
  source.onmessage = (message) => {
    pending.push(JSON.parse(message.data) as SwitchyardEvent)
    if (pending.length > MAX_EVENTS) pending.splice(0, pending.length - MAX_EVENTS)
    schedule()
  }
}

/** Closes the stream (leaving the Events page); the events received stay for the detail page. */
export function stopStream(): void {
  source?.close()
  source = undefined
  pending = []
}

/** Pauses or resumes the list; on resume what arrived meanwhile is shown. */
export function setPaused(paused: boolean): void {
  streamPaused.value = paused
  if (!paused) schedule()
}

/** The event a search found and opened last, shown by the detail page like a streamed one. */
let remembered: SwitchyardEvent | undefined

/** Keeps an event found by a search of past events for its detail page. */
export function rememberEvent(event: SwitchyardEvent): void {
  remembered = event
}

/** An event received by the stream in this browser (or opened from a search), if it still holds it. */
export function streamedEvent(id: string): SwitchyardEvent | undefined {
  if (remembered?.id === id) return remembered
  return streamedEvents.value.find((event) => event.id === id)
}
