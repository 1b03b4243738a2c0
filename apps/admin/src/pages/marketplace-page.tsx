import { useState } from 'preact/hooks'
import { api } from '../api/api-client'
import { type InstallProgress, installWithProgress } from '../api/install-with-progress'
import { ActionButton } from '../components/action-button'
import { AsyncView } from '../components/async-view'
import { StatusBadge } from '../components/status-badge'
import { useResource } from '../hooks/use-resource'

interface Listing {
  name: string
  version: string
  description: string | null
  source: 'registry' | 'index'
  location: string
  compatibility: string
  installedVersion: string | null
}

type Catalog = { plugins: Listing[]; problems: { location: string; code: string; message: string }[] }

/** The marketplace catalog with search; install, upgrade and uninstall for admins, with the exact error on failure. */
export function MarketplacePage() {
  const [query, setQuery] = useState('')
  const catalog = useResource(() => api<Catalog>('/api/v1/plugins/marketplace'))
  const changed = () => void catalog.reload()
  const matches = (p: Listing) =>
    `${p.name} ${p.description ?? ''}`.toLowerCase().includes(query.trim().toLowerCase())
  return (
    <section>
      <h1>Marketplace</h1>
      <div class="toolbar">
        <div class="field">
          <label for="market-search">Search</label>
          <input
            id="market-search"
            type="search"
            value={query}
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      </div>
      <AsyncView
        resource={catalog}
        isEmpty={(c) => c.plugins.filter(matches).length === 0 && c.problems.length === 0}
        empty={query ? `No plugin matches "${query}".` : 'The registry and indexes offer no plugins.'}
      >
        {(c) => (
          <>
            {c.problems.map((problem) => (
              <p key={problem.location} class="error" role="alert">
                {problem.location}: {problem.code}: {problem.message}
              </p>
            ))}
            <ul class="cards">
              {c.plugins.filter(matches).map((p) => (
                <li key={`${p.source} ${p.name}`} class="card">
                  <div class="card-head">
                    <h2>{p.name}</h2>
                    <span class="muted">v{p.version}</span>
                    <StatusBadge status={p.compatibility} />
                  </div>
                  {p.description && <p>{p.description}</p>}
                  <p class="muted small-text">
                    From the {p.source} {p.location}.{' '}
                    {p.installedVersion ? `Installed: v${p.installedVersion}.` : 'Not installed.'}
                  </p>
                  <div class="actions">
                    {p.installedVersion === null ? (
                      <ProgressButton
                        label="Install"
                        name={`Install ${p.name}`}
                        path="/api/v1/plugins/install"
                        body={{ name: p.name, version: p.version }}
                        done={changed}
                      />
                    ) : (
                      <>
                        {p.installedVersion !== p.version && (
                          <ProgressButton
                            label={`Upgrade to v${p.version}`}
                            name={`Upgrade ${p.name}`}
                            path="/api/v1/plugins/upgrade"
                            body={{ name: p.name }}
                            done={changed}
                          />
                        )}
                        <ActionButton
                          label="Uninstall"
                          name={`Uninstall ${p.name}`}
                          danger
                          busyText="Draining and removing…"
                          run={() => api(`/api/v1/plugins/uninstall/${p.name}`, { method: 'DELETE' })}
                          done={changed}
                        />
                      </>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </AsyncView>
    </section>
  )
}

/** What a progress event reads on the button: `download 40%`, `verify: sha512 matches`, `load…`. */
function progressText(progress: InstallProgress | undefined): string {
  if (progress === undefined) return 'Starting…'
  const { step, detail, bytes, totalBytes } = progress
  if (bytes !== undefined && totalBytes) return `${step} ${Math.round((bytes / totalBytes) * 100)}%`
  return detail ? `${step}: ${detail}` : `${step}…`
}

/** An install or upgrade button that shows each step of the server's progress while it runs. */
function ProgressButton(props: {
  label: string
  name: string
  path: string
  body: unknown
  done: () => void
}) {
  const [progress, setProgress] = useState<InstallProgress>()
  return (
    <ActionButton
      label={props.label}
      name={props.name}
      busyText={progressText(progress)}
      run={() =>
        installWithProgress(props.path, props.body, setProgress).finally(() => setProgress(undefined))
      }
      done={props.done}
    />
  )
}
