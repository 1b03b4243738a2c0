// The plugin author's contract: `definePlugin`, the context and its types, the errors a plugin sees, and the
// event types, patterns and helpers of @switchyard/core a plugin works with (re-exported, so a plugin imports
// this package alone). Nothing here runs a plugin: the runtime is @switchyard/host.
export {
  type AuthenticateValue,
  type AuthPrincipal,
  builtinExtensionPoints,
  type CloudEventJson,
  type CollectResult,
  type CompiledPattern,
  type ConfigLoadValue,
  compilePattern,
  createEvent,
  type DeliveryOutcome,
  type DeliveryPolicy,
  type DeliveryReport,
  type DeliveryStatus,
  defineExtensionPoint,
  type Event,
  type EventInit,
  type EventMetadata,
  type EventOf,
  EventRejectedError,
  type EventTypeOf,
  EventValidationError,
  type ExtensionFn,
  type ExtensionKind,
  type ExtensionPoint,
  fromCloudEvent,
  type Handler,
  type HandlerContext,
  HandlerExecutionError,
  type HealthResult,
  type HttpRequestInfo,
  type HttpResponseInfo,
  InvalidPatternError,
  isValidEventType,
  type KvEntry,
  type LogFn,
  type Logger,
  type MatchesPattern,
  matchesPattern,
  type PatternData,
  type PostResponseValue,
  type PreRequestValue,
  type RetryPolicy,
  retryDelay,
  type ServiceInfo,
  type ServiceMetadataValue,
  type ServiceQuery,
  type ServiceRecord,
  type SqlResult,
  type SqlRow,
  type SqlStatement,
  type SqlValue,
  SwitchyardError,
  serviceExtensionPoints,
  toCloudEvent,
  toCloudEventHeaders,
} from '@switchyard/core'
export { definePlugin } from './define-plugin.js'
export { type DescribedIssue, describeIssue } from './describe-issue.js'
export {
  PermissionError,
  PluginConfigError,
  type PluginConfigIssue,
  PluginDatabaseError,
  PluginDependencyError,
  PluginLoadError,
  PluginMigrationError,
  PluginSetupError,
  PluginStoppedError,
  PluginTimeoutError,
  ProviderCallError,
  ProviderUnavailableError,
  UndeclaredDependencyError,
  UndeclaredEventError,
  UnknownExportError,
  UnserialisableValueError,
} from './errors.js'
export type { EventDeclaration, EventDeclarations, Schema } from './event-declaration.js'
export type { NodeMiddleware } from './node-middleware.js'
export { PERMISSIONS, type Permission } from './permissions.js'
export type {
  DelayedPublish,
  ExtensionPointDefinition,
  HandlerOptions,
  HandlerRegistration,
  HealthCheck,
  HealthCheckOptions,
  OwnExtensionPoint,
  PluginContext,
  PluginSecrets,
  PluginStore,
} from './plugin-context.js'
export type { PluginDatabase, PluginMigration, PluginSqlExecutor } from './plugin-database.js'
export type {
  DependencySpec,
  PluginConfigOf,
  PluginDefinition,
  PluginDescriptor,
} from './plugin-definition.js'
export type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  MetricLabels,
  MetricOptions,
  PluginMetrics,
} from './plugin-metrics-types.js'
export type { Provides, ProvidesOf, Remote, UsedPlugin } from './plugin-provides.js'
export type { PluginServices } from './plugin-services.js'
export { isSecretSchema, SECRET_METADATA, secret } from './secret.js'
export { isSemverRange, isSemverVersion } from './semver-syntax.js'
export {
  generateWebhookSecret,
  STANDARD_SECRET_PREFIX,
  signStandardWebhook,
  standardWebhookKey,
} from './standard-webhook.js'
export { PLUGIN_NAME, validateDescriptor } from './validate-descriptor.js'
export { SIGNATURE_HEADER, signPayload, type VerifyOptions, verifySignature } from './webhook-signature.js'
