import { openApiPath, pathParameters } from './openapi-path.js'

/** One running plugin's routes, as the host reports them (paths under `/plugins/<name>`). */
export interface PluginRoutes {
  plugin: string
  description?: string
  routes: readonly { method: string; path: string }[]
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

/** `/plugins/x/items/:id` as OpenAPI's `/plugins/x/items/{id}`; `*` wildcards as a `{path}` parameter. */
const documentedPath = (path: string) => openApiPath(path.replace(/\/\*$/, '/:path'))

/**
 * The OpenAPI path items of plugin routes, each operation tagged with its plugin. A plugin route's body is the
 * plugin's own business: it is documented as any JSON, with the access rule the server applies to every plugin
 * route (reading needs `read`, anything else `publish`). Middleware (`use`, method `ALL`) is not an operation.
 *
 * @example
 * ```ts
 * pluginPaths([{ plugin: 'greeter', routes: [{ method: 'GET', path: '/plugins/greeter/hello' }] }], errorResponse)
 * ```
 */
export function pluginPaths(
  plugins: readonly PluginRoutes[],
  errorResponse: (description: string) => unknown,
): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const { plugin, routes } of plugins) {
    for (const route of routes) {
      const method = route.method.toLowerCase()
      if (!METHODS.has(method)) continue
      const path = documentedPath(route.path)
      const scope = method === 'get' ? 'read' : 'publish'
      paths[path] = {
        ...paths[path],
        [method]: {
          operationId: `${plugin}:${method} ${path}`,
          summary: `${route.method.toUpperCase()} ${path.slice(`/plugins/${plugin}`.length) || '/'} of plugin ${plugin}`,
          tags: [plugin],
          'x-scope': scope,
          'x-plugin': plugin,
          security: [{ bearer: [] }],
          parameters: pathParameters(route.path.replace(/\/\*$/, '/:path')),
          responses: {
            default: { description: "The plugin's answer", content: { '*/*': { schema: {} } } },
            401: errorResponse('Missing or unknown bearer token'),
            403: errorResponse(`Token lacks the "${scope}" scope`),
          },
        },
      }
    }
  }
  return paths
}
