export type { OrderNotificationsConfig } from './config.js'
export { DEFAULT_TEMPLATE, orderNotificationsConfig } from './config.js'
export { NotificationDeliveryError } from './errors.js'
export type { NotificationSent } from './notification-sent.js'
export { notificationSent } from './notification-sent.js'
export {
  orderNotificationsPlugin as default,
  orderNotificationsPlugin,
} from './order-notifications-plugin.js'
export { renderTemplate } from './render-template.js'
