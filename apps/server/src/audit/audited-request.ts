/** Requests the audit trail leaves out: publishing, the event stream, health and the scraped or static documents. */
const NOT_AUDITED: readonly [method: string, path: RegExp][] = [
  ['POST', /^\/api\/v1\/events\/?$/],
  ['GET', /^\/api\/v1\/events\/stream\/?$/],
  ['GET', /^\/(healthz|readyz|metrics|openapi\.json|docs|docs\/scalar\.js)\/?$/],
  ['GET', /^\/plugins\/[^/]+\/health\/?$/],
  ['GET', /^\/admin(\/.*)?$/],
  ['GET', /^\/api\/v1\/(session|stats)\/?$/],
]

/**
 * Whether a request is a management request the audit trail records: everything except publishing events, the
 * SSE stream, health and readiness (`/healthz`, `/readyz`, `/plugins/<name>/health`), Prometheus scrapes
 * (`/metrics`), the API documents (`/openapi.json`, `/docs` and its script), the admin UI's files, its session
 * check and the stats it polls. HEAD counts as GET.
 *
 * @example
 * ```ts
 * isAudited('POST', '/api/v1/plugins/install') // true; isAudited('GET', '/healthz') // false
 * ```
 */
export function isAudited(method: string, path: string): boolean {
  const verb = method === 'HEAD' ? 'GET' : method
  return !NOT_AUDITED.some(([skipped, pattern]) => skipped === verb && pattern.test(path))
}
