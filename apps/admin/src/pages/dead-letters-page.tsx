import { useState } from 'preact/hooks'
import { api } from '../api/api-client'
import { isAdmin } from '../api/session'
import type { DeadLetter } from '../api/types'
import { ActionButton } from '../components/action-button'
import { AsyncView } from '../components/async-view'
import { formatTime } from '../components/format'
import { useResource } from '../hooks/use-resource'

type Page = { deadLetters: DeadLetter[]; next: string | null }

const replay = (id: string) => api(`/api/v1/dead-letters/${id}/replay`, { method: 'POST' })
const remove = (id: string) => api(`/api/v1/dead-letters/${id}`, { method: 'DELETE' })

/** Dead letters filtered by handler, each with its error; replay or delete one or a selection. */
export function DeadLettersPage() {
  const [handler, setHandler] = useState('')
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const letters = useResource(
    () =>
      api<Page>(
        `/api/v1/dead-letters?${new URLSearchParams(handler ? { handler, limit: '200' } : { limit: '200' })}`,
      ),
    handler,
  )
  const toggle = (id: string) => {
    const next = new Set(selected)
    if (!next.delete(id)) next.add(id)
    setSelected(next)
  }
  const onEach = (action: (id: string) => Promise<unknown>) => async () => {
    for (const id of selected) await action(id)
  }
  const refresh = () => {
    setSelected(new Set())
    void letters.reload()
  }
  return (
    <section>
      <h1>Dead letters</h1>
      <div class="toolbar">
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault()
            setHandler(String(new FormData(e.currentTarget as HTMLFormElement).get('handler') ?? '').trim())
          }}
        >
          <div class="field">
            <label for="dl-handler">Handler</label>
            <input
              id="dl-handler"
              name="handler"
              class="mono"
              defaultValue={handler}
              placeholder="all handlers"
            />
          </div>
          <button type="submit">Filter</button>
        </form>
        {selected.size > 0 && (
          <>
            <ActionButton label={`Replay ${selected.size} selected`} run={onEach(replay)} done={refresh} />
            <ActionButton
              label={`Delete ${selected.size} selected`}
              danger
              run={onEach(remove)}
              done={refresh}
            />
          </>
        )}
      </div>
      <AsyncView
        resource={letters}
        isEmpty={(d) => d.deadLetters.length === 0}
        empty={
          handler ? `No dead letters of ${handler}.` : 'No dead letters: every delivery reached its handler.'
        }
      >
        {(d) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  {isAdmin.value && <th>Select</th>}
                  <th>Failed at</th>
                  <th>Event</th>
                  <th>Handler</th>
                  <th>Attempts</th>
                  <th>Error</th>
                  {isAdmin.value && <th>Actions</th>}
                </tr>
              </thead>
              <tbody>
                {d.deadLetters.map((letter) => (
                  <tr key={letter.id}>
                    {isAdmin.value && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select dead letter of ${letter.event.type} for ${letter.handler}`}
                          checked={selected.has(letter.id)}
                          onChange={() => toggle(letter.id)}
                        />
                      </td>
                    )}
                    <td>{formatTime(letter.failedAt)}</td>
                    <td>
                      <a href={`/admin/events/${letter.event.id}`}>{letter.event.type}</a>
                    </td>
                    <td class="mono">{letter.handler}</td>
                    <td>{letter.attempts}</td>
                    <td class="bad">{letter.error}</td>
                    {isAdmin.value && (
                      <td class="actions">
                        <ActionButton
                          label="Replay"
                          name={`Replay ${letter.id}`}
                          run={() => replay(letter.id)}
                          done={refresh}
                        />
                        <ActionButton
                          label="Delete"
                          name={`Delete ${letter.id}`}
                          danger
                          run={() => remove(letter.id)}
                          done={refresh}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {d.next && <p class="muted">Showing the oldest 200; filter by handler to see others.</p>}
          </div>
        )}
      </AsyncView>
    </section>
  )
}
