import { Fragment } from 'preact'
import { api } from '../api/api-client'
import type { PluginStatus } from '../api/types'
import { ActionButton } from '../components/action-button'
import { AsyncView } from '../components/async-view'
import { JsonBlock } from '../components/json-block'
import { StatusBadge } from '../components/status-badge'
import { useResource } from '../hooks/use-resource'

type PluginList = { plugins: PluginStatus[] }

/** Every plugin with its state and what it registered; enable, disable and reload for admins. */
export function PluginsPage() {
  const plugins = useResource(() => api<PluginList>('/api/v1/events/plugins'), '', 5000)
  return (
    <section>
      <h1>Plugins</h1>
      <AsyncView
        resource={plugins}
        isEmpty={(d) => d.plugins.length === 0}
        empty="No plugins: put plugin packages in a plugin_directories folder, or install one from the Marketplace."
      >
        {(d) => (
          <ul class="cards">
            {d.plugins.map((plugin) => (
              <PluginCard key={plugin.name} plugin={plugin} changed={() => void plugins.reload()} />
            ))}
          </ul>
        )}
      </AsyncView>
    </section>
  )
}

function PluginCard(props: { plugin: PluginStatus; changed: () => void }) {
  const { plugin, changed } = props
  const post = (action: string) => () =>
    api(
      action === 'reload'
        ? `/plugins/${plugin.name}/reload`
        : `/api/v1/events/plugins/${plugin.name}/${action}`,
      { method: 'POST' },
    )
  // Disabling drains the plugin's in-flight deliveries first: the button says so while it waits.
  const toggle = plugin.enabled
    ? { label: 'Disable', action: 'disable', busyText: 'Draining in-flight deliveries…' }
    : { label: 'Enable', action: 'enable', busyText: undefined }
  const lastError = plugin.error
    ? `${plugin.error.code}: ${plugin.error.message}`
    : (plugin.lastFault ?? plugin.reason)
  return (
    <li class="card" aria-labelledby={`plugin-${plugin.name}`}>
      <div class="card-head">
        <h2 id={`plugin-${plugin.name}`}>{plugin.name}</h2>
        <span class="muted">{plugin.version && `v${plugin.version}`}</span>
        <StatusBadge status={plugin.state} />
        <div class="actions">
          <ActionButton
            label={toggle.label}
            name={`${toggle.label} ${plugin.name}`}
            busyText={toggle.busyText}
            run={post(toggle.action)}
            done={changed}
          />
          <ActionButton
            label="Reload"
            name={`Reload ${plugin.name}`}
            busyText="Draining, then reloading…"
            run={post('reload')}
            done={changed}
          />
        </div>
      </div>
      {plugin.description && <p class="muted">{plugin.description}</p>}
      <dl class="pairs">
        <dt>Isolation</dt>
        <dd>
          {plugin.isolation?.mode ?? 'none'}
          {plugin.isolation?.restarts ? `, ${plugin.isolation.restarts} restarts` : ''}
          {plugin.isolation?.lastExit ? `, last exit: ${plugin.isolation.lastExit.reason}` : ''}
        </dd>
        <dt>Handlers</dt>
        <dd class="mono">{plugin.handlers.join(', ') || '–'}</dd>
        <dt>Routes</dt>
        <dd class="mono">{plugin.routes.map((r) => `${r.method} ${r.path}`).join(', ') || '–'}</dd>
        <dt>Reloads, faults</dt>
        <dd>
          {plugin.reloads}, {plugin.faults}
        </dd>
        {lastError && (
          <>
            <dt>Last error</dt>
            <dd class="bad">{lastError}</dd>
          </>
        )}
        {plugin.warnings.map((warning) => (
          <Fragment key={warning}>
            <dt>Warning</dt>
            <dd>{warning}</dd>
          </Fragment>
        ))}
      </dl>
      <PluginHealth name={plugin.name} state={plugin.state} />
      {plugin.config !== undefined && (
        <details>
          <summary>Config (secrets redacted)</summary>
          <JsonBlock label={`Config of ${plugin.name}`} value={plugin.config} />
        </details>
      )}
    </li>
  )
}

function PluginHealth(props: { name: string; state: string }) {
  const health = useResource(
    () => api<{ status: string }>(`/plugins/${props.name}/health`),
    `${props.name} ${props.state}`,
  )
  return (
    <p>
      Health:{' '}
      {health.data ? (
        <StatusBadge status={health.data.status} />
      ) : (
        <span class="muted">{health.error ?? '…'}</span>
      )}
    </p>
  )
}
