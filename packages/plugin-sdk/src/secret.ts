import * as v from 'valibot'

/** The metadata `secret()` adds to a schema's pipe; the host looks for it, whichever copy of the SDK made it. */
export const SECRET_METADATA = { 'switchyard.secret': true } as const

type StringSchema = v.GenericSchema<unknown, string>

/**
 * Marks a config field as secret: the host never shows its value, in the plugin list, `/plugins/status`, the
 * effective config endpoint, config error messages or log lines (`[redacted]` stands in its place). Give it the
 * field's own schema, or nothing for any string. The mark is plain valibot metadata, so the field still parses
 * and types as before.
 *
 * @example
 * ```ts
 * config: v.object({
 *   url: v.string(),
 *   token: secret(v.pipe(v.string(), v.minLength(16))),
 *   password: v.optional(secret()),
 * })
 * ```
 */
export function secret(): v.SchemaWithPipe<
  readonly [v.StringSchema<undefined>, v.MetadataAction<string, typeof SECRET_METADATA>]
>
export function secret<TSchema extends StringSchema>(
  schema: TSchema,
): v.SchemaWithPipe<readonly [TSchema, v.MetadataAction<v.InferOutput<TSchema>, typeof SECRET_METADATA>]>
export function secret(schema: StringSchema = v.string()) {
  return v.pipe(schema, v.metadata(SECRET_METADATA))
}

/**
 * Whether a schema was marked by `secret()`: its pipe carries `SECRET_METADATA`.
 *
 * @example
 * ```ts
 * isSecretSchema(secret()) // true
 * isSecretSchema(v.string()) // false
 * ```
 */
export function isSecretSchema(schema: unknown): boolean {
  const pipe = (schema as { pipe?: readonly unknown[] } | undefined)?.pipe
  if (!Array.isArray(pipe)) return false
  return pipe.some((item) => {
    const { type, metadata } = (item ?? {}) as { type?: unknown; metadata?: Record<string, unknown> }
    return type === 'metadata' && metadata?.['switchyard.secret'] === true
  })
}
