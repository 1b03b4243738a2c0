/**
 * The permissions a plugin can declare. A context method whose permission was not declared throws
 * `PermissionError`: `on` needs `events:subscribe`, `publish` needs `events:publish`, `routes` needs
 * `http:routes`, `store` needs `store:kv`. Health, metrics, logging, extension points and `onStop` need none.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'audit-log', version: '1.0.0', permissions: ['events:subscribe'], setup() {} })
 * ```
 */
export const PERMISSIONS = ['events:subscribe', 'events:publish', 'http:routes', 'store:kv'] as const

/** One of `PERMISSIONS`. */
export type Permission = (typeof PERMISSIONS)[number]
