import { useState } from 'preact/hooks'
import { api, messageOf } from '../api/api-client'
import type { ExplainedHandler } from '../api/types'
import { ErrorBox } from '../components/async-view'

const DRAFT = JSON.stringify(
  { type: 'order.status_changed', data: { orderId: 'o-1', status: 'shipped' } },
  null,
  2,
)

/** A dry run of a draft event: which handlers it would reach and why (`POST /api/v1/events/explain`). */
export function ExplainForm() {
  const [result, setResult] = useState<{ handlers: ExplainedHandler[] }>()
  const [error, setError] = useState<string>()
  const explain = async (event: SubmitEvent) => {
    event.preventDefault()
    const text = String(new FormData(event.currentTarget as HTMLFormElement).get('draft') ?? '')
    setError(undefined)
    try {
      setResult(await api('/api/v1/events/explain', { method: 'POST', body: JSON.parse(text) }))
    } catch (failure) {
      setResult(undefined)
      setError(
        failure instanceof SyntaxError ? `the draft is not JSON: ${failure.message}` : messageOf(failure),
      )
    }
  }
  return (
    <section aria-labelledby="explain-heading">
      <h2 id="explain-heading">Explain</h2>
      <form onSubmit={(e) => void explain(e)}>
        <div class="field">
          <label for="draft">Draft event (JSON: type, data, metadata)</label>
          <textarea id="draft" name="draft" spellcheck={false} defaultValue={DRAFT} />
        </div>
        <p>
          <button type="submit">Explain</button>
        </p>
      </form>
      {error && <ErrorBox message={error} />}
      {result && (
        <div class="table-wrap">
          <table>
            <caption class="muted">Handlers the draft would reach, and why</caption>
            <thead>
              <tr>
                <th>Handler</th>
                <th>Plugin</th>
                <th>Pattern</th>
                <th>Reached</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {result.handlers.map((h) => (
                <tr key={h.handler}>
                  <td class="mono">{h.handler}</td>
                  <td>{h.owner ?? '–'}</td>
                  <td class="mono">{h.pattern}</td>
                  <td>{h.reached ? 'yes' : 'no'}</td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.handlers.length === 0 && <p class="empty">No handler subscribes to this type.</p>}
        </div>
      )}
    </section>
  )
}
