// The signature schemes are the SDK's (order-notifications signs the same way); re-exported for receivers' code.
export {
  generateWebhookSecret,
  SIGNATURE_HEADER,
  signPayload,
  signStandardWebhook,
  type VerifyOptions,
  verifySignature,
} from '@switchyard/plugin-sdk'
export type {
  CloudEventMode,
  PayloadFormat,
  SignatureScheme,
  SubscriptionInput,
  WebhooksConfig,
} from './config.js'
export { subscriptionInput, webhooksConfig } from './config.js'
export type { DeliveryLogEntry } from './delivery-log.js'
export { BlockedTargetError, UnresolvableHostError, WebhookDeliveryError } from './errors.js'
export type {
  DeliveryAttempt,
  DeliveryResult,
  DeliveryStatus,
  SendOptions,
  WebhookRequest,
} from './send-webhook.js'
export { sendWebhook } from './send-webhook.js'
export type { ActiveSubscription, PublicSubscription, Subscription } from './subscription-registry.js'
export type { TargetPolicy } from './target-guard.js'
export { TargetGuard } from './target-guard.js'
export { webhooksPlugin as default, webhooksPlugin } from './webhooks-plugin.js'
