/**
 * The permissions a plugin can declare. A context method whose permission was not declared throws
 * `PermissionError`: `on` needs `events:subscribe`, `publish` needs `events:publish`, `routes` needs
 * `http:routes`, `store` needs `store:kv`, `db.query` needs `database:read`, `db.execute`, `db.transaction` and
 * declared `migrations` need `database:write`, `services.register`/`unregister` need `services:register`,
 * `services.discover` needs `services:discover`, contributing to `auth.authenticate` needs `auth:authenticate`,
 * `secrets` needs `secrets:use`. Health, metrics, logging, other extension points, `use` and `onStop` need none.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'audit-log', version: '1.0.0', permissions: ['events:subscribe'], setup() {} })
 * ```
 */
export const PERMISSIONS = [
  'events:subscribe',
  'events:publish',
  'http:routes',
  'store:kv',
  'database:read',
  'database:write',
  'services:register',
  'services:discover',
  'auth:authenticate',
  'secrets:use',
] as const

/** One of `PERMISSIONS`. */
export type Permission = (typeof PERMISSIONS)[number]
