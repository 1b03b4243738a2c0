export { AccessControl } from './auth/access-control.js'
export { publicPaths, type ServerAuth, serverAuth } from './auth/server-auth.js'
export {
  generateAdminToken,
  newToken,
  type Principal,
  type Scope,
  type StoredToken,
  TokenAuth,
  type TokenConfig,
  tokenDigest,
} from './auth/token-auth.js'
export { TokenFile } from './auth/token-file.js'
export { tokenFilePath } from './auth/token-file-path.js'
export { type TokenResolverOptions, type TokensInForce, tokenResolver } from './auth/token-resolver.js'
export { ApiClient, type ApiClientOptions, type SseMessage } from './cli/api-client.js'
export type { CliCommand } from './cli/cli-command.js'
export type { CliIo } from './cli/cli-io.js'
export { type CreatedPlugin, createPlugin } from './cli/create-plugin-command.js'
export { pluginTemplate, type TemplateVersions } from './cli/plugin-template.js'
export { createProgram, runCli } from './cli/run-cli.js'
export { detectLayout, type PackageManager, type PluginLayout } from './cli/scaffold/detect-layout.js'
export {
  ApiRequestError,
  ForbiddenError,
  InvalidConfigFileError,
  InvalidJsonError,
  MarketplaceDisabledError,
  PayloadTooLargeError,
  RequestAbortedError,
  RequestValidationError,
  RouteNotFoundError,
  ShuttingDownError,
  SseClientLimitError,
  StartError,
  StartingError,
  type StartStep,
  StorageFolderError,
  TokenFileError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UsageError,
} from './errors.js'
export {
  EventLoopMonitor,
  type EventLoopMonitorOptions,
  type EventLoopSample,
} from './health/event-loop-monitor.js'
export { Readiness, type ReadinessOptions, type ReadinessReport } from './health/readiness.js'
export { type AppOptions, createApp } from './http/create-app.js'
export { type ErrorBody, errorAnswer, errorHandler, toErrorBody } from './http/error-response.js'
export { type Listener, type ListenOptions, listen } from './http/listen.js'
export { readBodyText, readNodeBody } from './http/request-body.js'
export type { ServerEnv } from './http/server-env.js'
export { type AnySchema, parseInput, parseJson } from './http/validate.js'
export { ApiBuilder, type ApiInput, type ApiOperation, type ApiResponse } from './openapi/api-builder.js'
export { buildOpenApi, type OpenApiDocument, type OpenApiOptions } from './openapi/openapi.js'
export { openApiPath } from './openapi/openapi-path.js'
export { SCALAR_BUNDLE_PATH, scalarBundle, scalarReference } from './openapi/scalar-reference.js'
export { type NodeIngestOptions, nodeIngest } from './routes/node-ingest.js'
export { EVENT_MEDIA, type RequestHeaders, readEvent } from './routes/read-event.js'
export { CloudEventBody, DeadLetterQuery, PlainEventBody, StreamQuery } from './routes/schemas.js'
export { type HostRuntimeOptions, hostRuntime } from './runtime/host-runtime.js'
export {
  type MarketplaceSettings,
  marketplaceApi,
  type ReloadableMarketplace,
} from './runtime/marketplace-api.js'
export { type Backends, openBackends } from './runtime/open-backends.js'
export { type PluginStateSample, ServerMetrics } from './runtime/server-metrics.js'
export type { MarketplaceApi, ServerHealth, ServerRuntime } from './runtime/server-runtime.js'
export {
  DEFAULT_CONFIG_FILE,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './runtime/start-server.js'
export { startTelemetry } from './telemetry/start-telemetry.js'
export type { Telemetry } from './telemetry/start-tracing.js'
export { type TelemetrySettings, telemetrySettings } from './telemetry/telemetry-settings.js'
