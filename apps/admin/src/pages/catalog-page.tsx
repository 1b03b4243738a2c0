import type { CatalogEventJson } from '@switchyard/host'
import { api } from '../api/api-client'
import { AsyncView } from '../components/async-view'
import { JsonBlock } from '../components/json-block'
import { useResource } from '../hooks/use-resource'

// The answer's type, from the host that builds it (a type-only import: nothing of the host is bundled).
type CatalogEvent = CatalogEventJson

/** Declared event types with their JSON Schemas and the plugins that publish and consume them. */
export function CatalogPage() {
  const catalog = useResource(() => api<{ events: CatalogEvent[] }>('/api/v1/events/catalog'))
  return (
    <section>
      <h1>Catalog</h1>
      <AsyncView
        resource={catalog}
        isEmpty={(d) => d.events.length === 0}
        empty="No plugin declares the events it publishes or consumes (definePlugin's publishes/consumes)."
      >
        {(d) => (
          <ul class="cards">
            {byType(d.events).map(([type, entries]) => (
              <li key={type} class="card">
                <h2 class="mono">{type}</h2>
                {entries[0]?.description && <p>{entries[0].description}</p>}
                <dl class="pairs">
                  <dt>Published by</dt>
                  <dd>{names(entries, 'publishes')}</dd>
                  <dt>Consumed by</dt>
                  <dd>{names(entries, 'consumes')}</dd>
                  <dt>Version</dt>
                  <dd>{[...new Set(entries.map((e) => e.version))].join(', ')}</dd>
                </dl>
                <details>
                  <summary>JSON Schema of data</summary>
                  <JsonBlock label={`JSON Schema of ${type}`} value={entries[0]?.schema} />
                </details>
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
    </section>
  )
}

function byType(events: CatalogEvent[]): [string, CatalogEvent[]][] {
  const groups = new Map<string, CatalogEvent[]>()
  for (const event of events) groups.set(event.type, [...(groups.get(event.type) ?? []), event])
  return [...groups].sort(([a], [b]) => a.localeCompare(b))
}

function names(entries: CatalogEvent[], role: CatalogEvent['role']): string {
  return (
    entries
      .filter((e) => e.role === role)
      .map((e) => e.plugin)
      .join(', ') || '–'
  )
}
