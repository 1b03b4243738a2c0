import { useRoute } from 'preact-iso'
import { api } from '../api/api-client'
import { streamedEvent } from '../api/event-stream'
import type { DeliveryRecord } from '../api/types'
import { AsyncView } from '../components/async-view'
import { formatMs, formatTime } from '../components/format'
import { JsonBlock } from '../components/json-block'
import { StatusBadge } from '../components/status-badge'
import { useResource } from '../hooks/use-resource'

/** Why a handler did not run, for ledger rows that carry no error saying it. */
const NOT_RUN: Record<string, string> = {
  skipped_duplicate: "Not run: this handler already succeeded for the event's idempotencyKey.",
  unrouted: 'Not run: the route table of this event type did not select this handler.',
}

/** One event: its payload and metadata (when the stream brought it), and the deliveries timeline per handler. */
export function EventDetailPage() {
  const { params } = useRoute()
  const id = params.id ?? ''
  const event = streamedEvent(id)
  const ledger = useResource(
    () => api<{ deliveries: DeliveryRecord[] }>(`/api/v1/events/${encodeURIComponent(id)}/deliveries`),
    id,
    2000,
  )
  return (
    <section>
      <p>
        <a href="/admin/events">← Events</a>
      </p>
      <h1>{event?.type ?? 'Event'}</h1>
      <p class="mono muted">{id}</p>
      <div class="split">
        <div>
          <h2>Deliveries</h2>
          <AsyncView
            resource={ledger}
            isEmpty={(d) => d.deliveries.length === 0}
            empty="No handler took this event."
          >
            {(d) => <Timeline deliveries={d.deliveries} />}
          </AsyncView>
        </div>
        <div>
          <h2>Payload</h2>
          {event ? (
            <>
              <JsonBlock label="Payload" value={event.data} />
              <h2>Metadata</h2>
              <dl class="pairs">
                <dt>Source</dt>
                <dd>{event.source}</dd>
                <dt>Time</dt>
                <dd>{event.time}</dd>
              </dl>
              <JsonBlock label="Metadata" value={event.metadata} />
            </>
          ) : (
            <p class="empty">
              This browser did not receive the event from the live stream, so its payload is not shown (find
              it under Past events on the Events page); its deliveries come from the store.
            </p>
          )}
        </div>
      </div>
    </section>
  )
}

function Timeline(props: { deliveries: DeliveryRecord[] }) {
  return (
    <ol class="timeline">
      {props.deliveries.map((d) => (
        <li key={d.handler} class={`t-${d.status}`}>
          <strong class="mono">{d.handler}</strong> <StatusBadge status={d.status} />
          <div class="muted small-text">
            {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}, {formatMs(d.durationMs)}, at{' '}
            {formatTime(d.updatedAt)}
          </div>
          {!d.error && NOT_RUN[d.status] && <div class="muted small-text">{NOT_RUN[d.status]}</div>}
          {d.error && (
            <div class="delivery-error">
              <code>{d.error.code}</code> {d.error.message}
              {d.error.cause && (
                <div class="small-text">
                  cause: {d.error.cause.name}: {d.error.cause.message}
                </div>
              )}
            </div>
          )}
        </li>
      ))}
    </ol>
  )
}
