const PARAM = /:([A-Za-z_]\w*)(\{[^}]*\})?/g

/** `/api/v1/events/:id/deliveries` -> `/api/v1/events/{id}/deliveries` (Hono's `{regex}` constraints dropped). */
export const openApiPath = (path: string): string => path.replace(PARAM, '{$1}')

/**
 * The `{name}` parameters of a Hono path, documented as required strings.
 *
 * @example
 * ```ts
 * pathParameters('/api/v1/dead-letters/:id') // [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]
 * ```
 */
export const pathParameters = (path: string): Record<string, unknown>[] =>
  [...path.matchAll(PARAM)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
