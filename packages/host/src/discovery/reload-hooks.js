// @ts-check
// Node module customization hooks registered by `followReloads` (see follow-reloads.ts). Plain JavaScript because
// Node loads this file itself, on its hooks thread, both from dist/ and from src/ under the tests.

/** The query parameter that marks a plugin module imported for a reload; set by `initialize`. */
let parameter = ''
/** `?<parameter>=` and `&<parameter>=`: a cheap test before any URL is parsed. */
let markers = /** @type {string[]} */ ([])

/**
 * Receives the host's reload query parameter (the `data` passed to `module.register`).
 *
 * @param {{ parameter: string }} data
 */
export function initialize(data) {
  parameter = data.parameter
  markers = [`?${parameter}=`, `&${parameter}=`]
}

/**
 * Gives a module imported by a reloaded plugin module the same reload version, so Node evaluates it afresh too —
 * when it is one of the plugin's own files: a relative, absolute or `#` specifier resolving to a `file:` URL
 * outside `node_modules`. Packages (bare specifiers, linked workspace packages included) and built-ins stay shared.
 *
 * @example
 * ```js
 * // In file:///app/plugins/greeter/index.js?switchyard-reload=3, `import './message.js'` resolves to
 * // file:///app/plugins/greeter/message.js?switchyard-reload=3; `import 'valibot'` resolves as usual.
 * ```
 *
 * @param {string} specifier
 * @param {{ parentURL?: string | undefined }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  const parent = context.parentURL
  if (parent === undefined || !markers.some((marker) => parent.includes(marker))) return resolved
  if (!ownFile(specifier) || !resolved.url.startsWith('file:') || resolved.url.includes('/node_modules/'))
    return resolved
  const version = new URL(parent).searchParams.get(parameter)
  if (version === null) return resolved
  const url = new URL(resolved.url)
  url.searchParams.set(parameter, version)
  return { ...resolved, url: url.href }
}

/** Whether a specifier names a file of the importing package rather than another package. */
function ownFile(/** @type {string} */ specifier) {
  return /^(?:\.{1,2}\/|\/|file:|#)/.test(specifier)
}
