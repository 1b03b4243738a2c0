import { useEffect, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import {
  followStream,
  setPaused,
  stopStream,
  streamedEvents,
  streamPaused,
  streamState,
} from '../api/event-stream'
import type { SwitchyardEvent } from '../api/types'
import { formatTime } from '../components/format'
import { VirtualList } from '../components/virtual-list'
import { ExplainForm } from './explain-form'
import { PastEvents } from './past-events'

const ROW_HEIGHT = 36

/** The live stream with a type-pattern filter and pause; a row opens the event's detail; lookup by id; Explain. */
export function EventsPage() {
  const [pattern, setPattern] = useState('**')
  const { route } = useLocation()
  useEffect(() => {
    followStream(pattern)
    return stopStream
  }, [pattern])
  const events = streamedEvents.value
  const paused = streamPaused.value
  const open = (event: SwitchyardEvent) => route(`/admin/events/${event.id}`)
  return (
    <section>
      <h1>Events</h1>
      <div class="toolbar">
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault()
            const value = new FormData(e.currentTarget as HTMLFormElement).get('pattern')
            setPattern(String(value ?? '').trim() || '**')
          }}
        >
          <div class="field">
            <label for="pattern">Type pattern</label>
            <input id="pattern" name="pattern" defaultValue={pattern} class="mono" />
          </div>
          <button type="submit">Filter</button>
        </form>
        <button type="button" class="secondary" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <FindById open={(id) => route(`/admin/events/${encodeURIComponent(id)}`)} />
      </div>
      <p class="muted" aria-live="polite">
        {streamState.value === 'live'
          ? 'Live'
          : streamState.value === 'connecting'
            ? 'Connecting…'
            : 'Reconnecting…'}
        {paused ? ', paused' : ''}: {events.length} events matching <code>{pattern}</code>
      </p>
      {events.length === 0 ? (
        <p class="empty">
          No events yet matching <code>{pattern}</code>. Publish one (<code>switchyard emit</code> or{' '}
          <code>POST /api/v1/events</code>) and it shows here as it is accepted.
        </p>
      ) : (
        <VirtualList
          items={events}
          rowHeight={ROW_HEIGHT}
          label="Live events, newest first"
          itemKey={(event) => event.id}
          render={(event) => (
            <button type="button" onClick={() => open(event)}>
              <span class="type">{event.type}</span>
              <span class="id mono">{event.id}</span>
              <span class="muted">{formatTime(event.time)}</span>
            </button>
          )}
        />
      )}
      <PastEvents open={(id) => route(`/admin/events/${id}`)} />
      <ExplainForm />
    </section>
  )
}

function FindById(props: { open: (id: string) => void }) {
  return (
    <form
      class="toolbar"
      onSubmit={(e) => {
        e.preventDefault()
        const id = String(new FormData(e.currentTarget as HTMLFormElement).get('event-id') ?? '').trim()
        if (id) props.open(id)
      }}
    >
      <div class="field">
        <label for="event-id">Event id</label>
        <input id="event-id" name="event-id" class="mono" placeholder="0190…" />
      </div>
      <button type="submit" class="secondary">
        Open
      </button>
    </form>
  )
}
