import { SIGNATURE_HEADER, signPayload, signStandardWebhook } from '@switchyard/plugin-sdk'
import type { SignatureScheme } from './config.js'

/** What signing one attempt needs. */
export interface SignatureInput {
  scheme: SignatureScheme
  /** `webhook-id`: the same for every attempt of one message. */
  messageId: string
  secret: string
  body: string
}

/**
 * The signature headers of one attempt, signed now: the Standard Webhooks three (`standard`), the
 * `Switchyard-Signature` header (`switchyard`), or all four (`both`), over one timestamp.
 *
 * @example
 * ```ts
 * signatureHeaders({ scheme: 'standard', messageId: event.id, secret, body })
 * ```
 */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000)
  const { scheme, messageId, secret, body } = input
  return {
    ...(scheme === 'switchyard' ? {} : signStandardWebhook(messageId, body, secret, timestamp)),
    ...(scheme === 'standard' ? {} : { [SIGNATURE_HEADER]: signPayload(body, secret, timestamp) }),
  }
}
