export { type ReceivedRequest, startWebhookReceiver, type WebhookReceiver } from './start-webhook-receiver.js'
