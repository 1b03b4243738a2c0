import { useState } from 'preact/hooks'
import { api, messageOf } from '../api/api-client'
import { rememberEvent } from '../api/event-stream'
import type { SwitchyardEvent } from '../api/types'
import { ErrorBox } from '../components/async-view'
import { formatTime } from '../components/format'

/** One page of `GET /api/v1/events`: stored events, oldest first. */
interface EventPage {
  events: SwitchyardEvent[]
  next?: string
}

/** At most this many matches are shown; pages are read until then or until the window runs out. */
const SHOWN = 500

/**
 * Search of past events by type pattern and id in what the store keeps of them (`GET /api/v1/events`, oldest
 * first, within the store's retention). A result opens the event's detail with its payload and deliveries.
 */
export function PastEvents(props: { open: (id: string) => void }) {
  const [found, setFound] = useState<SwitchyardEvent[]>()
  const [error, setError] = useState<string>()
  const search = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const type = String(form.get('past-type') ?? '').trim()
    const id = String(form.get('past-id') ?? '').trim()
    const since = String(form.get('past-since') ?? '').trim() || '24h'
    setError(undefined)
    try {
      const matches: SwitchyardEvent[] = []
      let after: string | undefined
      do {
        const query = new URLSearchParams({ since, limit: String(SHOWN) })
        if (type !== '') query.set('type', type)
        if (after !== undefined) query.set('after', after)
        const page = await api<EventPage>(`/api/v1/events?${query}`)
        matches.push(...page.events.filter((entry) => entry.id.includes(id)))
        after = page.next
      } while (after !== undefined && matches.length < SHOWN)
      setFound(matches.slice(0, SHOWN))
    } catch (failure) {
      setFound(undefined)
      setError(messageOf(failure))
    }
  }
  const open = (entry: SwitchyardEvent) => {
    rememberEvent(entry)
    props.open(entry.id)
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
        <div class="field">
          <label for="past-since">Since</label>
          <input id="past-since" name="past-since" class="mono" placeholder="24h" />
        </div>
        <button type="submit">Search</button>
      </form>
      {error && <ErrorBox message={error} />}
      {found && found.length === 0 && <p class="empty">No stored event matches.</p>}
      {found && found.length > 0 && (
        <ul class="plain">
          {found.map((entry) => (
            <li key={entry.id}>
              <a
                href={`/admin/events/${entry.id}`}
                onClick={(e) => {
                  e.preventDefault()
                  open(entry)
                }}
              >
                {entry.type}
              </a>{' '}
              <span class="mono muted">{entry.id}</span> <span class="muted">{formatTime(entry.time)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
