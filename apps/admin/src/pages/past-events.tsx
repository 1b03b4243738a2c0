import { useState } from 'preact/hooks'
import { ApiError, api, messageOf } from '../api/api-client'
import { rememberEvent } from '../api/event-stream'
import type { SwitchyardEvent } from '../api/types'
import { ErrorBox } from '../components/async-view'
import { formatTime } from '../components/format'

/** One recorded event of the audit-log plugin (`GET /plugins/audit-log/events`). */
interface AuditEntry {
  eventId: string
  type: string
  source: string
  time: string
  correlationId?: string
  idempotencyKey: string
  data?: unknown
}

/**
 * Search of past events by type pattern (and id) in what the store keeps of them: the audit-log plugin's record
 * of every dispatched event (`GET /plugins/audit-log/events`); the store itself drops an event once every handler
 * finished. A result opens the event's detail with its payload.
 */
export function PastEvents(props: { open: (id: string) => void }) {
  const [found, setFound] = useState<AuditEntry[]>()
  const [error, setError] = useState<string>()
  const search = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const type = String(form.get('past-type') ?? '').trim() || '**'
    const id = String(form.get('past-id') ?? '').trim()
    setError(undefined)
    try {
      const page = await api<{ entries: AuditEntry[] }>(
        `/plugins/audit-log/events?${new URLSearchParams({ type, limit: '500' })}`,
      )
      setFound(page.entries.filter((entry) => id === '' || entry.eventId.includes(id)))
    } catch (failure) {
      setFound(undefined)
      setError(
        failure instanceof ApiError && failure.status === 404
          ? 'Past events are kept by the audit-log plugin, which is not running: enable it on the Plugins page.'
          : messageOf(failure),
      )
    }
  }
  const open = (entry: AuditEntry) => {
    rememberEvent(toEvent(entry))
    props.open(entry.eventId)
  }
  return (
    <section aria-labelledby="past-heading">
      <h2 id="past-heading">Past events</h2>
      <form class="toolbar" onSubmit={(e) => void search(e)}>
        <div class="field">
          <label for="past-type">Type or pattern</label>
          <input id="past-type" name="past-type" class="mono" placeholder="order.**" />
        </div>
        <div class="field">
          <label for="past-id">Id contains</label>
          <input id="past-id" name="past-id" class="mono" />
        </div>
        <button type="submit">Search</button>
      </form>
      {error && <ErrorBox message={error} />}
      {found && found.length === 0 && <p class="empty">No recorded event matches.</p>}
      {found && found.length > 0 && (
        <ul class="plain">
          {found.map((entry) => (
            <li key={entry.eventId}>
              <a
                href={`/admin/events/${entry.eventId}`}
                onClick={(e) => {
                  e.preventDefault()
                  open(entry)
                }}
              >
                {entry.type}
              </a>{' '}
              <span class="mono muted">{entry.eventId}</span>{' '}
              <span class="muted">{formatTime(entry.time)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function toEvent(entry: AuditEntry): SwitchyardEvent {
  const metadata: Record<string, unknown> = { idempotencyKey: entry.idempotencyKey }
  if (entry.correlationId !== undefined) metadata.correlationId = entry.correlationId
  return {
    id: entry.eventId,
    type: entry.type,
    source: entry.source,
    time: entry.time,
    data: entry.data,
    metadata,
  }
}
