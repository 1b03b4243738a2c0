export { definePlugin } from './define-plugin.js'
export {
  PermissionError,
  PluginConfigError,
  type PluginConfigIssue,
  PluginDependencyError,
  PluginLoadError,
  PluginSetupError,
  PluginStoppedError,
  PluginTimeoutError,
  UndeclaredEventError,
} from './errors.js'
export { PERMISSIONS, type Permission } from './permissions.js'
export type {
  ExtensionPointDefinition,
  HandlerOptions,
  HandlerRegistration,
  HealthCheck,
  OwnExtensionPoint,
  PluginContext,
  PluginStore,
} from './plugin-context.js'
export type {
  DependencySpec,
  EventDeclaration,
  EventDeclarations,
  PluginConfigOf,
  PluginDefinition,
  PluginDescriptor,
  Schema,
} from './plugin-definition.js'
export type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  MetricLabels,
  MetricOptions,
  PluginMetrics,
} from './plugin-metrics-types.js'
