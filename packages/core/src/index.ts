export type { BusObserver } from './bus-observers.js'
export type {
  CloseOptions,
  EventBusOptions,
  Explanation,
  HandlerHold,
  HandlerSelection,
  ResumeOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionInfo,
} from './bus-types.js'
export {
  type CloudEventJson,
  fromCloudEvent,
  toCloudEvent,
} from './cloud-event.js'
export { fromCloudEventHttp, type HttpHeadersInput, toCloudEventHeaders } from './cloud-event-http.js'
export { createEvent } from './create-event.js'
export type {
  DeliveryOutcome,
  DeliveryPolicy,
  DeliveryReport,
  DeliveryStatus,
  Handler,
  HandlerContext,
  PendingDeliveryStatus,
  RetryPolicy,
} from './delivery.js'
export {
  type DeliveryPolicyOverrides,
  defaultDeliveryPolicy,
  resolvePolicy,
  retryDelay,
} from './delivery-policy.js'
export { isFinalStatus } from './delivery-status.js'
export {
  type AttemptFields,
  ClosedError,
  ConfigError,
  DuplicateHandlerError,
  EventRejectedError,
  EventValidationError,
  ExtensionPointError,
  HandlerExecutionError,
  HandlerTimeoutError,
  InvalidHandlerNameError,
  InvalidPatternError,
  NotFoundError,
  SwitchyardError,
} from './errors.js'
export type { Event, EventInit, EventMap, EventMetadata } from './event.js'
export { EventBus } from './event-bus.js'
export { isValidEventType } from './event-type.js'
export {
  builtinExtensionPoints,
  type ConfigLoadValue,
  defineExtensionPoint,
  type ExtensionFn,
  type ExtensionKind,
  type ExtensionPoint,
  type HealthResult,
} from './extension-point.js'
export { type CollectResult, type ExtensionPointInfo, ExtensionRegistry } from './extension-registry.js'
export { InProcessTransport } from './in-process-transport.js'
export type { LogFn, Logger } from './logger.js'
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js'
export { noopLogger } from './noop-logger.js'
export { type CompiledPattern, compilePattern, matchesPattern, patternToSubject } from './pattern.js'
export { PatternIndex } from './pattern-index.js'
export { pendingRecord } from './pending-record.js'
export { type CompiledRoute, compileRoutes, type RouteTable } from './route-table.js'
export type {
  DeadLetter,
  DeadLetterQuery,
  DeliveryRecord,
  KvEntry,
  KvListOptions,
  PluginState,
  Store,
  UnfinishedEvent,
} from './store.js'
export type {
  ConsumerOptions,
  Transport,
  TransportConsumer,
  TransportMessage,
  TransportPublishResult,
} from './transport.js'
export type { EventOf, EventTypeOf, MatchesPattern, PatternData } from './typed-events.js'
