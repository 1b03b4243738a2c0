export { AccessControl } from './auth/access-control.js'
export {
  generateAdminToken,
  type Principal,
  type Scope,
  TokenAuth,
  type TokenConfig,
} from './auth/token-auth.js'
export { tokenResolver } from './auth/token-resolver.js'
export { ApiClient, type ApiClientOptions, type SseMessage } from './cli/api-client.js'
export type { CliCommand } from './cli/cli-command.js'
export type { CliIo } from './cli/cli-io.js'
export { createPlugin } from './cli/create-plugin-command.js'
export { pluginTemplate, type TemplateVersions } from './cli/plugin-template.js'
export { createProgram, runCli } from './cli/run-cli.js'
export {
  ApiRequestError,
  ForbiddenError,
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
export { ApiBuilder, type ApiInput, type ApiOperation } from './openapi/api-builder.js'
export { buildOpenApi, type OpenApiDocument, openApiPath } from './openapi/openapi.js'
export { referencePage } from './openapi/reference-page.js'
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
