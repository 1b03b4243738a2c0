import type { IncomingMessage, ServerResponse } from 'node:http'
import { type ExtensionRegistry, serviceExtensionPoints } from '@switchyard/core'
import type { NodeMiddleware } from '@switchyard/plugin-sdk'

const { preRequest, postResponse } = serviceExtensionPoints

type Extensions = Pick<ExtensionRegistry, 'has' | 'contributions' | 'revision'>

/**
 * The request hooks in their Node form, when every contribution has one: only `http.middleware` contributions,
 * each with a `node` function (lowest priority number outermost). Undefined when any hook needs a Hono `Context`.
 * Worked out again only when the contributions change.
 *
 * @example
 * ```ts
 * const hooks = new NodeHooks(bus.extensions)
 * const chain = hooks.chain()
 * if (chain !== undefined) await runNodeMiddleware(chain, req, res, route)
 * ```
 */
export class NodeHooks {
  readonly #extensions: Extensions
  #revision = -1
  #chain: readonly NodeMiddleware[] | undefined

  constructor(extensions: Extensions) {
    this.#extensions = extensions
  }

  chain(): readonly NodeMiddleware[] | undefined {
    const extensions = this.#extensions
    if (extensions.revision !== this.#revision) {
      this.#revision = extensions.revision
      this.#chain = nodeChainOf(extensions)
    }
    return this.#chain
  }
}

function nodeChainOf(extensions: Extensions): readonly NodeMiddleware[] | undefined {
  if (extensions.has(preRequest) || extensions.has(postResponse)) return undefined
  const chain: NodeMiddleware[] = []
  for (const { fn } of extensions.contributions('http.middleware')) {
    const node = (fn as { node?: unknown }).node
    if (typeof node !== 'function') return undefined
    chain.push(node as NodeMiddleware)
  }
  return chain
}

/**
 * Runs `chain` around `route` on the Node request and response; rejects with what a middleware or the route
 * threw.
 *
 * @example
 * ```ts
 * await runNodeMiddleware(chain, req, res, () => accept(req).then((answer) => void (result = answer)))
 * ```
 */
export function runNodeMiddleware(
  chain: readonly NodeMiddleware[],
  req: IncomingMessage,
  res: ServerResponse,
  route: () => Promise<void>,
): Promise<void> {
  // Not async functions: a promise per step only where a middleware makes one.
  const dispatch = (i: number): Promise<void> => {
    const middleware = chain[i]
    try {
      if (middleware === undefined) return route()
      return Promise.resolve(middleware(req, res, () => dispatch(i + 1)))
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return dispatch(0)
}
