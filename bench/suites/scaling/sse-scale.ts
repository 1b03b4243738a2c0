import { median } from '../../lib/stats.js'
import type { GroupResult } from '../../lib/suite.js'
import { sseFanout } from '../http/sse-fanout.js'

/**
 * The real server (memory store) with 10, 100 and 1,000 SSE clients reading every event: `events` publishes one
 * after the other; a publish counts once every client got it. events/s (CPU) is per CPU-second of the server.
 */
export async function measureSseScale(clientCounts: readonly number[], events: number): Promise<GroupResult> {
  const rows = []
  for (const clients of clientCounts) {
    const { reached, serverCpuSeconds } = await sseFanout(clients, events)
    const wallSeconds = reached.reduce((sum, ms) => sum + ms, 0) / 1000
    rows.push({
      name: `${clients.toLocaleString('en-US')} SSE clients`,
      opsPerSec: events / wallSeconds,
      cpuOpsPerSec: events / serverCpuSeconds,
      p50Ms: median(reached),
      p99Ms: Math.max(...reached),
    })
  }
  return {
    title: `POST /api/v1/events with ${clientCounts.map((c) => c.toLocaleString('en-US')).join(' / ')} SSE clients connected`,
    description: `${events} events of about 1 KB, one after the other; p50 and the worst (p99 column) are from the POST until every client had the event.`,
    unit: 'publishes/s',
    baseline: rows[0]!.name,
    rows,
  }
}
