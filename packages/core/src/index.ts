export type { BusObserver } from './bus/bus-observers.js'
export { SCHEDULER_LEASE } from './bus/bus-parts.js'
export type {
  CloseOptions,
  EnqueueOptions,
  EventBusOptions,
  Explanation,
  HandlerHold,
  HandlerSelection,
  ResumeOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionInfo,
} from './bus/bus-types.js'
export { EventBus } from './bus/event-bus.js'
export type {
  HandlerReplayOptions,
  HandlerReplayProgress,
  HandlerReplaySummary,
} from './bus/handler-replay.js'
export type {
  PluginDatabases,
  SqlDatabase,
  SqlExecutor,
  SqlResult,
  SqlRow,
  SqlStatement,
  SqlTransaction,
  SqlValue,
} from './database/plugin-databases.js'
export type { AttemptTrace } from './delivery/attempt-trace.js'
export type {
  BatchHandler,
  DeliveryOutcome,
  DeliveryPolicy,
  DeliveryReport,
  DeliveryStatus,
  Handler,
  HandlerContext,
  PendingDeliveryStatus,
  RetryPolicy,
} from './delivery/delivery.js'
export { type DeliveryError, readDeliveryError, toDeliveryError } from './delivery/delivery-error.js'
export {
  type DeliveryPolicyOverrides,
  defaultDeliveryPolicy,
  resolvePolicy,
  retryDelay,
} from './delivery/delivery-policy.js'
export { onAttemptExpired } from './delivery/on-attempt-expired.js'
export { roundDuration } from './delivery/round-duration.js'
export {
  type AttemptFields,
  ClosedError,
  ConfigError,
  CrashedProcessError,
  DeliveryNotRunError,
  DuplicateHandlerError,
  EventRejectedError,
  EventTypeLimitError,
  EventValidationError,
  ExtensionPointError,
  HandlerExecutionError,
  HandlerTimeoutError,
  InvalidHandlerNameError,
  InvalidPatternError,
  JsonDepthLimitError,
  LimitError,
  MetadataLimitError,
  NotFoundError,
  SwitchyardError,
} from './errors.js'
export {
  type CloudEventJson,
  fromCloudEvent,
  toCloudEvent,
} from './event/cloud-event.js'
export { fromCloudEventHttp, type HttpHeadersInput, toCloudEventHeaders } from './event/cloud-event-http.js'
export { createEvent } from './event/create-event.js'
export type { Event, EventInit, EventMap, EventMetadata } from './event/event.js'
export { defaultEventLimits, type EventLimits, resolveEventLimits } from './event/event-limits.js'
export { isValidEventType } from './event/event-type.js'
export type { EventOf, EventTypeOf, MatchesPattern, PatternData } from './event/typed-events.js'
export {
  builtinExtensionPoints,
  type ConfigLoadValue,
  defineExtensionPoint,
  type ExtensionFn,
  type ExtensionKind,
  type ExtensionPoint,
  type HealthResult,
} from './extensions/extension-point.js'
export {
  type CollectResult,
  type ExtensionPointInfo,
  ExtensionRegistry,
} from './extensions/extension-registry.js'
export {
  type AuthenticateValue,
  type AuthPrincipal,
  type HttpRequestInfo,
  type HttpResponseInfo,
  type PostResponseValue,
  type PreRequestValue,
  type ServiceInfo,
  type ServiceMetadataValue,
  type ServiceQuery,
  type ServiceRecord,
  serviceExtensionPoints,
} from './extensions/service-extension-points.js'
export type {
  BatchOptions,
  DebounceOptions,
  FlowOptions,
  KeyedConcurrency,
  PriorityOptions,
  RateLimitOptions,
  ThrottleOptions,
} from './flow/flow-options.js'
export type { FlowChange, FlowState } from './flow/flow-state.js'
export { MemoryFlowState } from './flow/memory-flow-state.js'
export { isFinalStatus } from './ledger/delivery-status.js'
export type { LogFn, Logger } from './logger.js'
export { noopLogger } from './noop-logger.js'
export { type CompiledPattern, compilePattern, matchesPattern, patternToSubject } from './pattern/pattern.js'
export { PatternIndex } from './pattern/pattern-index.js'
export { type CompiledRoute, compileRoutes, type RouteTable } from './routing/route-table.js'
export {
  DEFAULT_DELIVER_AT_MAX_PAST_MS,
  type DeliverAtOptions,
  resolveDeliverAt,
} from './schedule/deliver-at.js'
export { LeaderLease } from './schedule/leader-lease.js'
export { LeaderLoop, type LeaderLoopOptions } from './schedule/leader-loop.js'
export { matchesAuditQuery, pageAuditRecords } from './store/audit-query.js'
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js'
export { mergeTraces } from './store/merge-traces.js'
export { pageEvents } from './store/page-events.js'
export { pendingRecord } from './store/pending-record.js'
export type {
  AttemptStart,
  AuditQuery,
  AuditRecord,
  DeadLetter,
  DeadLetterQuery,
  DeliveryRecord,
  EventQuery,
  KvEntry,
  KvListOptions,
  PluginState,
  Store,
  UnfinishedEvent,
} from './store/store.js'
export { InProcessTransport } from './transport/in-process-transport.js'
export type {
  ConsumerOptions,
  Transport,
  TransportConsumer,
  TransportMessage,
  TransportPublishResult,
} from './transport/transport.js'
