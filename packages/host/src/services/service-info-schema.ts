import type { ServiceInfo, ServiceQuery } from '@switchyard/core'
import { describeIssue } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

const SERVICE_NAME = /^[A-Za-z0-9][\w.-]{0,199}$/
const text = (max: number) => v.pipe(v.string(), v.minLength(1, 'a non-empty string'), v.maxLength(max))
const tags = v.pipe(v.array(text(100)), v.maxLength(32, 'at most 32 tags'))

/** What `ctx.services.register` accepts: unknown keys are refused so typos do not pass silently. */
export const serviceInfoSchema = v.strictObject({
  id: text(200),
  name: v.pipe(v.string(), v.regex(SERVICE_NAME, 'a service name ([A-Za-z0-9._-], at most 200)')),
  version: v.optional(text(100)),
  address: v.optional(text(2048)),
  healthUrl: v.optional(v.pipe(v.string(), v.url('an absolute URL'))),
  tags: v.optional(tags),
  metadata: v.optional(
    v.record(
      text(100),
      v.union([v.string(), v.number(), v.boolean(), v.null()], 'a string, number, boolean or null'),
    ),
  ),
})

const querySchema = v.strictObject({
  id: v.optional(v.string()),
  name: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
})

/**
 * Checks a service's info; resolves to the info or to the first problem in words (`tags.0: expected …, got …`).
 *
 * @example
 * ```ts
 * parseServiceInfo({ id: 'a', name: 'billing' }) // { ok: true, info: { id: 'a', name: 'billing' } }
 * ```
 */
export function parseServiceInfo(
  input: unknown,
): { ok: true; info: ServiceInfo } | { ok: false; problem: string } {
  return parseWith(serviceInfoSchema, input, (info) => ({ ok: true as const, info }))
}

/** Checks a discovery query the same way. */
export function parseServiceQuery(
  input: unknown,
): { ok: true; query: ServiceQuery } | { ok: false; problem: string } {
  return parseWith(querySchema, input ?? {}, (query) => ({ ok: true as const, query }))
}

function parseWith<S extends v.GenericSchema, R>(
  schema: S,
  input: unknown,
  ok: (output: v.InferOutput<S>) => R,
): R | { ok: false; problem: string } {
  const result = v.safeParse(schema, input)
  if (result.success) return ok(result.output)
  const issue = describeIssue(result.issues[0])
  return { ok: false, problem: issue.path === '' ? issue.message : `${issue.path}: ${issue.message}` }
}
