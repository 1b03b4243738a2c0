export { AccessControl } from './access-control.js'
export { ApiBuilder, type ApiInput, type ApiOperation } from './api-builder.js'
export { ApiClient, type ApiClientOptions } from './cli/api-client.js'
export { createPlugin } from './cli/create-plugin-command.js'
export type { CliCommand, CliIo } from './cli/parse-command.js'
export { pluginTemplate, type TemplateVersions } from './cli/plugin-template.js'
export { runCli } from './cli/run-cli.js'
export { type AppOptions, createApp } from './create-app.js'
export { type ErrorBody, errorAnswer, errorHandler, toErrorBody } from './error-response.js'
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
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UsageError,
} from './errors.js'
export { type HostRuntimeOptions, hostRuntime } from './host-runtime.js'
export { type Listener, type ListenOptions, listen } from './listen.js'
export { type MarketplaceSettings, marketplaceApi, type ReloadableMarketplace } from './marketplace-api.js'
export { type NodeIngestOptions, nodeIngest } from './node-ingest.js'
export { type Backends, openBackends } from './open-backends.js'
export { buildOpenApi, type OpenApiDocument, openApiPath } from './openapi.js'
export { EVENT_MEDIA, type RequestHeaders, readEvent } from './read-event.js'
export { referencePage } from './reference-page.js'
export { readBodyText, readNodeBody } from './request-body.js'
export { CloudEventBody, DeadLetterQuery, PlainEventBody, StreamQuery } from './schemas.js'
export type { ServerEnv } from './server-env.js'
export { type PluginStateSample, ServerMetrics } from './server-metrics.js'
export type { MarketplaceApi, ServerRuntime } from './server-runtime.js'
export {
  DEFAULT_CONFIG_FILE,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './start-server.js'
export { generateAdminToken, type Principal, type Scope, TokenAuth, type TokenConfig } from './token-auth.js'
export { tokenResolver } from './token-resolver.js'
export { type AnySchema, parseInput, parseJson } from './validate.js'
