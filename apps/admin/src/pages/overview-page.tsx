import { api } from '../api/api-client'
import type { PluginStatus, Stats } from '../api/types'
import { AsyncView } from '../components/async-view'
import { formatMs, formatTime, sum } from '../components/format'
import { StatusBadge } from '../components/status-badge'
import { TimeChart } from '../components/time-chart'
import { useResource } from '../hooks/use-resource'

const OUTCOMES = [
  { status: 'succeeded', color: '--ok' },
  { status: 'failed', color: '--bad' },
  { status: 'timed_out', color: '--warn' },
  { status: 'dead_lettered', color: '--dead' },
  { status: 'skipped_duplicate', color: '--muted' },
  { status: 'unrouted', color: '--accent' },
]

/** The overview: events, outcomes and latency of the last 15 minutes, live; plugins; backends; recent failures. */
export function OverviewPage() {
  const stats = useResource(() => api<Stats>('/api/v1/stats'), '', 2000)
  const plugins = useResource(() => api<{ plugins: PluginStatus[] }>('/api/v1/events/plugins'), '', 5000)
  return (
    <section>
      <h1>Overview</h1>
      <AsyncView resource={stats}>{(s) => <Charts stats={s} />}</AsyncView>
      <div class="grid">
        <div class="card">
          <h2>Plugins</h2>
          <AsyncView
            resource={plugins}
            isEmpty={(d) => d.plugins.length === 0}
            empty="No plugins loaded: add some to plugin_directories."
          >
            {(d) => <PluginStates plugins={d.plugins} />}
          </AsyncView>
        </div>
        <div class="card">
          <h2>Backends</h2>
          {stats.data && (
            <dl class="pairs">
              <dt>Store</dt>
              <dd>{stats.data.backends.storage}</dd>
              <dt>Transport</dt>
              <dd>{stats.data.backends.transport}</dd>
            </dl>
          )}
        </div>
      </div>
      <h2>Recent failures</h2>
      <AsyncView
        resource={stats}
        isEmpty={(s) => s.recentFailures.length === 0}
        empty="No failed deliveries since the server started."
      >
        {(s) => <RecentFailures failures={s.recentFailures} />}
      </AsyncView>
    </section>
  )
}

function Charts(props: { stats: Stats }) {
  const { stats } = props
  const x = stats.published.map((_, i) => stats.from + i)
  const lastMinute = (values: number[]) => sum(values.slice(-60))
  const lastP95 = stats.latency.p95.filter((v) => v !== null).at(-1)
  return (
    <div class="grid">
      <div class="card">
        <h2>Events accepted per second</h2>
        <p class="stat">{lastMinute(stats.published)} in the last minute</p>
        <TimeChart
          title="Events accepted per second, last 15 minutes"
          x={x}
          series={[{ label: 'events/s', color: '--accent' }]}
          ys={[stats.published]}
        />
      </div>
      <div class="card">
        <h2>Deliveries per outcome</h2>
        <p class="stat">
          {lastMinute(stats.deliveries.succeeded ?? [])} succeeded,{' '}
          {lastMinute(stats.deliveries.failed ?? []) + lastMinute(stats.deliveries.dead_lettered ?? [])}{' '}
          failed in the last minute
        </p>
        <TimeChart
          title="Deliveries per second by outcome, last 15 minutes"
          x={x}
          series={OUTCOMES.map((o) => ({ label: o.status.replaceAll('_', ' '), color: o.color }))}
          ys={OUTCOMES.map((o) => stats.deliveries[o.status] ?? [])}
        />
      </div>
      <div class="card">
        <h2>Handler latency</h2>
        <p class="stat">p95 {formatMs(lastP95)}</p>
        <TimeChart
          title="Handler latency p50 and p95 per second, last 15 minutes (ms)"
          x={x}
          unit="ms"
          sparse
          series={[
            { label: 'p50', color: '--accent' },
            { label: 'p95', color: '--warn' },
          ]}
          ys={[stats.latency.p50, stats.latency.p95]}
        />
      </div>
    </div>
  )
}

function PluginStates(props: { plugins: PluginStatus[] }) {
  const byState = new Map<string, number>()
  for (const plugin of props.plugins) byState.set(plugin.state, (byState.get(plugin.state) ?? 0) + 1)
  return (
    <>
      <p>
        {[...byState].map(([state, count]) => (
          <span key={state} class="spaced">
            {count} <StatusBadge status={state} />
          </span>
        ))}
      </p>
      <ul class="plain">
        {props.plugins.map((plugin) => (
          <li key={plugin.name}>
            <a href="/admin/plugins">{plugin.name}</a> <StatusBadge status={plugin.state} />
          </li>
        ))}
      </ul>
    </>
  )
}

function RecentFailures(props: { failures: Stats['recentFailures'] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Event</th>
            <th>Handler</th>
            <th>Status</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {props.failures.map((f) => (
            <tr key={`${f.eventId} ${f.handler} ${f.time}`}>
              <td>{formatTime(f.time)}</td>
              <td>
                <a href={`/admin/events/${f.eventId}`}>{f.type}</a>
              </td>
              <td class="mono">{f.handler}</td>
              <td>
                <StatusBadge status={f.status} />
              </td>
              <td>
                {f.code && <code>{f.code}</code>} {f.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
