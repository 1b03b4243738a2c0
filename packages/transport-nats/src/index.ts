export type { NatsConnectionOptions } from './connection/open-connection.js'
export {
  NatsRequestError,
  TransportClosedError,
  TransportConnectError,
  TransportPublishError,
  TransportSetupError,
} from './errors.js'
export { connectNatsStore, NatsStore } from './nats-store.js'
export type { NatsStoreOptions } from './nats-store-options.js'
export { connectNatsTransport, NatsTransport } from './nats-transport.js'
export type { NatsTransportOptions } from './nats-transport-options.js'
