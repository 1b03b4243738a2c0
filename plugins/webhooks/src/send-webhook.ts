import { randomUUID } from 'node:crypto'
import { type RetryPolicy, retryDelay } from '@switchyard/plugin-sdk'
import type { SignatureScheme } from './config.js'
import { BlockedTargetError } from './errors.js'
import { httpPost } from './http-post.js'
import { signatureHeaders } from './signature-headers.js'
import type { TargetGuard } from './target-guard.js'

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  attempt: number
  /** RFC 3339 start time of the attempt. */
  at: string
  /** HTTP status, absent when no response arrived. */
  status?: number
  /** Network error or timeout message, absent when a response arrived. */
  error?: string
  durationMs: number
}

/**
 * `delivered`: a 2xx answer. `rejected`: a 3xx or a 4xx answer other than 408/429, never retried. `failed`: 5xx,
 * timeouts or network errors until the attempts ran out, or at once a target the guard refused.
 */
export type DeliveryStatus = 'delivered' | 'rejected' | 'failed'

export interface DeliveryResult {
  status: DeliveryStatus
  attempts: DeliveryAttempt[]
}

/** A signed POST to make. */
export interface WebhookRequest {
  url: string
  secret: string
  /** `switchyard` (the `Switchyard-Signature` header) unless given, as before Standard Webhooks were supported. */
  signature?: SignatureScheme
  /** `webhook-id` of a Standard Webhooks signature: the same for every attempt; a random one unless given. */
  messageId?: string
  /** The body, sent byte for byte as signed. */
  body: string
  headers?: Record<string, string>
}

export interface SendOptions {
  /** The schedule between attempts; the same shape as a bus handler's retry policy. */
  retry: RetryPolicy
  /** Per-attempt deadline. */
  timeoutMs: number
  /** Ends the delivery early (the bus aborts a handler that runs past its own timeout). */
  signal?: AbortSignal
  /**
   * Refuses targets that are, or now resolve to, private addresses (checked at every connection, so DNS
   * rebinding cannot slip past it). Without one, any address is reached.
   */
  guard?: TargetGuard
}

/**
 * POSTs a signed JSON body, retrying with exponential backoff on 5xx, 408, 429, timeouts and network errors,
 * and stopping at once on any other 4xx, on a 3xx (redirects are not followed) and on a target the `guard`
 * refuses. Each attempt is signed afresh, so a late retry carries a current timestamp. Never throws for HTTP or
 * network failures: they are in the result.
 *
 * @example
 * ```ts
 * const result = await sendWebhook(
 *   { url: 'https://example.com/hook', secret, signature: 'standard', messageId: event.id, body: JSON.stringify(event) },
 *   { timeoutMs: 5000, retry: { attempts: 5, initialMs: 500, maxMs: 30_000, factor: 2, jitter: true } },
 * )
 * result.status // 'delivered' | 'rejected' | 'failed'
 * ```
 */
export async function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<DeliveryResult> {
  const attempts: DeliveryAttempt[] = []
  const messageId = request.messageId ?? `msg_${randomUUID()}`
  for (let attempt = 1; attempt <= options.retry.attempts; attempt++) {
    const { result, blocked } = await attemptOnce({ ...request, messageId }, attempt, options)
    attempts.push(result)
    // Retrying cannot help: the policy, not the network, refused the target.
    if (blocked) return { status: 'failed', attempts }
    if (result.status !== undefined && result.status < 300) return { status: 'delivered', attempts }
    if (result.status !== undefined && !isRetryableStatus(result.status))
      return { status: 'rejected', attempts }
    if (attempt === options.retry.attempts || options.signal?.aborted) break
    await sleep(retryDelay(options.retry, attempt), options.signal)
  }
  return { status: 'failed', attempts }
}

/** 408 and 429 ask for a later retry; other 4xx mean the request itself is wrong. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

async function attemptOnce(
  request: WebhookRequest & { messageId: string },
  attempt: number,
  options: SendOptions,
): Promise<{ result: DeliveryAttempt; blocked: boolean }> {
  const at = new Date()
  const started = performance.now()
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000
  try {
    options.guard?.checkLiteral(request.url)
    const status = await httpPost(new URL(request.url), {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'switchyard-webhooks',
        ...request.headers,
        ...signatureHeaders({
          scheme: request.signature ?? 'switchyard',
          messageId: request.messageId,
          secret: request.secret,
          body: request.body,
        }),
      },
      body: request.body,
      signal,
      ...(options.guard ? { lookup: options.guard.lookup } : {}),
    })
    return { result: { attempt, at: at.toISOString(), status, durationMs: elapsed() }, blocked: false }
  } catch (error) {
    const message = timeout.aborted ? `timed out after ${options.timeoutMs}ms` : describeError(error)
    return {
      result: { attempt, at: at.toISOString(), error: message, durationMs: elapsed() },
      blocked: error instanceof BlockedTargetError,
    }
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
