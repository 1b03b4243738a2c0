import { useState } from 'preact/hooks'
import { api } from '../api/api-client'
import { ActionButton } from '../components/action-button'
import { AsyncView } from '../components/async-view'
import { JsonBlock } from '../components/json-block'
import { useResource } from '../hooks/use-resource'

interface ReloadResult {
  added: string[]
  removed: string[]
  routeWarnings: string[]
}

/** The configuration in force (secrets redacted) and a reload; a rejected reload shows its errors with file:line. */
export function ConfigPage() {
  const config = useResource(() => api<Record<string, unknown>>('/api/v1/config'))
  const [applied, setApplied] = useState<ReloadResult>()
  return (
    <section>
      <h1>Config</h1>
      <div class="toolbar">
        <ActionButton
          label="Reload configuration"
          busyText="Reloading: draining plugins that change…"
          run={() => api<ReloadResult>('/api/v1/events/reload-config', { method: 'POST' })}
          done={(result) => {
            setApplied(result as ReloadResult)
            void config.reload()
          }}
        />
      </div>
      {applied && (
        <p class="notice" role="status">
          Reloaded. Added: {applied.added.join(', ') || 'none'}; removed:{' '}
          {applied.removed.join(', ') || 'none'}
          {applied.routeWarnings.length > 0 && `; route warnings: ${applied.routeWarnings.join('; ')}`}
        </p>
      )}
      <h2>In force (secrets redacted)</h2>
      <AsyncView resource={config}>{(c) => <JsonBlock label="Configuration in force" value={c} />}</AsyncView>
    </section>
  )
}
