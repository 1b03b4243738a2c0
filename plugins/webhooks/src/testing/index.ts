export {
  type ReceivedRequest,
  type SignatureCheck,
  startWebhookReceiver,
  type WebhookReceiver,
} from './start-webhook-receiver.js'
