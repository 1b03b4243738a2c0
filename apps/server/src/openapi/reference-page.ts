import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { OpenApiDocument } from './openapi.js'

interface Operation {
  summary?: string
  'x-scope'?: string
  security?: unknown[]
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses?: Record<string, { description: string }>
}

const METHOD_COLOURS: Record<string, string> = { get: '#2b6cb0', post: '#2f855a', delete: '#c53030' }

function operationHtml(
  path: string,
  method: string,
  op: Operation,
): HtmlEscapedString | Promise<HtmlEscapedString> {
  const access = op.security?.length === 0 ? 'public' : `scope: ${op['x-scope']}`
  const bodies = Object.entries(op.requestBody?.content ?? {})
  const responses = Object.entries(op.responses ?? {})
  return html`<section>
    <h3><span class="m" style="background:${METHOD_COLOURS[method] ?? '#555'}">${method.toUpperCase()}</span> <code>${path}</code> <small>${access}</small></h3>
    <p>${op.summary ?? ''}</p>
    ${bodies.map(([type, { schema }]) => html`<details><summary>Body: <code>${type}</code></summary><pre>${JSON.stringify(schema, null, 2)}</pre></details>`)}
    <ul>${responses.map(([status, r]) => html`<li><b>${status}</b> ${r.description}</li>`)}</ul>
  </section>`
}

/**
 * A small, dependency-free API reference page rendered on the server from the OpenAPI document (every value
 * HTML-escaped), served at `/docs`.
 *
 * @example
 * ```ts
 * app.get('/docs', (c) => c.html(referencePage(buildOpenApi(api.operations, options))))
 * ```
 */
export function referencePage(doc: OpenApiDocument): HtmlEscapedString | Promise<HtmlEscapedString> {
  const sections = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => operationHtml(path, method, op as Operation)),
  )
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${doc.info.title} API ${doc.info.version}</title>
<style>${raw('body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}.m{color:#fff;border-radius:4px;padding:2px 6px;font-size:13px}section{border-top:1px solid #ddd;padding:.3em 0}pre{background:#f6f8fa;padding:.6em;overflow:auto}small{color:#666;font-weight:normal}')}</style>
</head><body>
<h1>${doc.info.title} API <small>${doc.info.version}</small></h1>
<p>${doc.info.description} Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${sections}
</body></html>`
}
