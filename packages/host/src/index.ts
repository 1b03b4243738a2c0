export { PermissionError, PluginDependencyError, PluginLoadError } from '@switchyard/plugin-sdk'
export { type CatalogEventJson, catalogJsonSchema } from './catalog/catalog-json-schema.js'
export { busSettings } from './config/bus-settings.js'
export { checkPluginConfigs, type PluginConfigCheck } from './config/check-plugin-configs.js'
export {
  configSchema,
  type IsolationMode,
  type PluginConfigEntry,
  type PluginLimitsConfig,
  type SwitchyardConfig,
  type SwitchyardConfigInput,
} from './config/config-schema.js'
export { type Env, interpolateEnv } from './config/interpolate-env.js'
export {
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfig,
  validateConfig,
} from './config/load-config.js'
export type { SourcePosition } from './config/locate-path.js'
export type { ScheduleConfig } from './config/schedules-schema.js'
export type { TelemetryConfig } from './config/telemetry-schema.js'
export { createPluginSecrets } from './context/create-plugin-secrets.js'
export { createPluginStore } from './context/create-plugin-store.js'
export { createHost } from './create-host.js'
export { type DiscoveryOptions, discoverPlugins, scanDirectory } from './discovery/discover-plugins.js'
export { importPlugin } from './discovery/import-plugin.js'
export type { PluginSource } from './discovery/inline-candidates.js'
export type { PluginCandidate, PluginSourceKind } from './discovery/plugin-candidate.js'
export {
  ConfigError,
  type ConfigIssue,
  ConfigSourceError,
  type FaultDelivery,
  type FaultKind,
  formatConfigIssue,
  HealthCheckOptionsError,
  IsolationError,
  PluginCrashedError,
  PluginExitError,
  PluginFaultError,
  PluginFaultLimitError,
  PluginNotFoundError,
  PluginRestartLimitError,
  PluginRunningError,
  PluginUnresponsiveError,
  SandboxProtocolError,
  SecretDecryptError,
  SecretInputError,
  SecretKeyError,
  ServiceRegistryError,
} from './errors.js'
export { type FaultGuardOptions, installFaultGuard, type RemoveFaultGuard } from './faults/fault-guard.js'
export { faultLimitOf } from './faults/fault-limit-of.js'
export { DEFAULT_FAULT_LIMIT, type FaultLimit } from './faults/plugin-faults.js'
export type { HealthReport } from './health/collect-health.js'
export type { HealthSample, ScheduledCheckReport } from './health/health-sample.js'
export type { PluginHealth } from './health/host-health.js'
export { HEALTH_HISTORY_SIZE } from './health/plugin-health-checks.js'
export type { HostOptions, ReplaceSteps } from './host-options.js'
export { type IsolationSettings, isolationOf } from './isolation/isolation-settings.js'
export type { PluginLifecycleState, PluginStatus } from './lifecycle/plugin-record.js'
export type { RescanResult } from './lifecycle/plugin-rescan.js'
export { PluginHost } from './plugin-host.js'
export type { IsolationStatus } from './runtime/plugin-engine.js'
export {
  CronSchedules,
  SCHEDULES_NAMESPACE,
  type ScheduleInfo,
} from './schedules/cron-schedules.js'
export { loadSecretKey, SECRET_KEY_VARIABLE, type SecretKeySource } from './secrets/load-secret-key.js'
export { parseSecretKey, type SecretKey, toSecretKey } from './secrets/secret-key.js'
export { rotateSecretKey, SECRETS_NAMESPACE, SecretVault } from './secrets/secret-vault.js'
export {
  SERVICES_NAMESPACE,
  ServiceRegistry,
  type ServiceRegistryOptions,
} from './services/service-registry.js'
