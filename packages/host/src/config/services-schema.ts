import * as v from 'valibot'

/**
 * The `services:` section: how the server registers itself in the service registry. `name: null` keeps it out;
 * `advertise_url` is the address other nodes reach it at (the listening URL by default); a registration not
 * renewed within `lease_ms` (a node that died) drops out of discovery.
 *
 * @example
 * ```ts
 * v.parse(servicesSchema, { advertise_url: 'http://10.0.0.5:8080' }).lease_ms // 30000
 * ```
 */
export const servicesSchema = v.strictObject({
  name: v.optional(
    v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9][\w.-]{0,199}$/, 'a service name ([A-Za-z0-9._-])'))),
    'switchyard',
  ),
  advertise_url: v.optional(v.nullable(v.pipe(v.string(), v.url('an absolute URL'))), null),
  lease_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000, 'at least 1000')), 30_000),
})
