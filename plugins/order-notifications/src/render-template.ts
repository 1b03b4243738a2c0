/**
 * Replaces each `{{dot.path}}` in a template with the value at that path in `source`. A path that leads
 * nowhere stays as written, so a typo shows in the notification instead of silently vanishing.
 *
 * @example
 * ```ts
 * renderTemplate('Order {{data.orderId}} shipped', { data: { orderId: 'o-1' } }) // 'Order o-1 shipped'
 * ```
 */
export function renderTemplate(template: string, source: unknown): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (placeholder, path: string) => {
    const value = valueAt(source, path)
    return value === undefined || value === null || typeof value === 'object' ? placeholder : String(value)
  })
}

/**
 * The value at a dot path, or undefined.
 *
 * @example
 * ```ts
 * valueAt({ data: { status: 'shipped' } }, 'data.status') // 'shipped'
 * ```
 */
export function valueAt(source: unknown, path: string): unknown {
  let current = source
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
