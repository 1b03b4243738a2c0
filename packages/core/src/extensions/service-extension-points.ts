import { defineExtensionPoint } from './extension-point.js'

/** A JSON value carried in a service's metadata. */
export type ServiceMetadataValue = string | number | boolean | null

/**
 * What a plugin (or the server) registers: a service other nodes and plugins can find. Plain JSON, so it crosses
 * an isolation boundary and a NATS KV bucket as it is.
 */
export interface ServiceInfo {
  /** Unique in the cluster: registering the same id again replaces the entry. */
  id: string
  /** What discovery looks for, e.g. `orders-api`. */
  name: string
  version?: string
  /** Where to reach it, e.g. `http://10.0.0.5:8080`. */
  address?: string
  /** A URL answering its health, e.g. `http://10.0.0.5:8080/healthz`. */
  healthUrl?: string
  tags?: string[]
  metadata?: Record<string, ServiceMetadataValue>
}

/** A registered service: its info, who registered it, on which node and when. */
export interface ServiceRecord extends ServiceInfo {
  /** The plugin that registered it, or `switchyard` for the server itself. */
  owner: string
  /** The node (process) it was registered from. */
  node: string
  /** RFC 3339. */
  registeredAt: string
}

/** A discovery query: every given field must match (all `tags` present). An empty query matches everything. */
export interface ServiceQuery {
  id?: string
  name?: string
  tags?: string[]
}

/** Who made an HTTP request, as `auth.authenticate` contributions and the bearer tokens decide. */
export interface AuthPrincipal {
  name: string
  /** `admin`, `publish`, `read`; other scopes are kept and ignored by the management API. */
  scopes: string[]
}

/** An HTTP request as plugins see it in `middleware.pre_request`, `middleware.post_response` and `auth.authenticate`. */
export interface HttpRequestInfo {
  method: string
  url: string
  path: string
  /** Lower-case names. */
  headers: Record<string, string>
  requestId: string
}

/** An HTTP answer as plugins see it, or give it to answer a request early from `middleware.pre_request`. */
export interface HttpResponseInfo {
  status: number
  headers: Record<string, string>
  /** Only when a `middleware.pre_request` contribution answers: the body it sends. */
  body?: string
}

/** What `middleware.pre_request` contributions pass along: the request, and an answer once one set it. */
export interface PreRequestValue {
  request: HttpRequestInfo
  /** Set to answer at once: later contributions and the route do not run. */
  response?: HttpResponseInfo
}

/** What `middleware.post_response` contributions pass along. */
export interface PostResponseValue {
  request: HttpRequestInfo
  response: HttpResponseInfo
}

/** What `auth.authenticate` contributions pass along: the first to set `principal` decides. */
export interface AuthenticateValue {
  request: HttpRequestInfo
  principal?: AuthPrincipal
}

/**
 * The extension points of services, request middleware and authentication (from Marty's chassis). Each value is
 * plain JSON, so a contribution may come from an isolated plugin.
 *
 * @example
 * ```ts
 * ctx.extend(serviceExtensionPoints.preRegister, (info) => ({ ...info, tags: [...(info.tags ?? []), 'eu'] }))
 * ```
 */
export const serviceExtensionPoints = {
  /** May return an enriched record, or throw to refuse the registration. */
  preRegister: defineExtensionPoint<ServiceRecord, ServiceRecord | undefined>({
    name: 'service.pre_register',
    kind: 'filter',
    description: 'Enrich or reject a service before it is registered',
  }),
  postRegister: defineExtensionPoint<ServiceRecord, void>({
    name: 'service.post_register',
    kind: 'action',
    description: 'Runs after a service was registered',
  }),
  postUnregister: defineExtensionPoint<ServiceRecord, void>({
    name: 'service.post_unregister',
    kind: 'action',
    description: 'Runs after a service was unregistered',
  }),
  discover: defineExtensionPoint<ServiceQuery, ServiceInfo[]>({
    name: 'service.discover',
    kind: 'collect',
    description: 'Answer service discovery queries (e.g. from Consul), besides the registry',
  }),
  preRequest: defineExtensionPoint<PreRequestValue, PreRequestValue | undefined>({
    name: 'middleware.pre_request',
    kind: 'filter',
    description: 'Change a request before its route runs, or answer it early (lowest priority first)',
  }),
  postResponse: defineExtensionPoint<PostResponseValue, PostResponseValue | undefined>({
    name: 'middleware.post_response',
    kind: 'filter',
    description: "Change an answer's status and headers after its route ran (lowest priority first)",
  }),
  authenticate: defineExtensionPoint<AuthenticateValue, AuthenticateValue | undefined>({
    name: 'auth.authenticate',
    kind: 'filter',
    description: 'Turn a request into a principal with scopes, tried before the static bearer tokens',
  }),
} as const
