import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A loopback HTTP server answering fixed bodies by path (404 otherwise). */
export interface FileServer {
  url(path: string): string
  close(): Promise<void>
}

/**
 * Serves `files` (path -> body) on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await serveFiles({ '/demo.tgz': tgz })
 * await fetch(server.url('/demo.tgz'))
 * ```
 */
export async function serveFiles(files: Readonly<Record<string, Buffer | string>>): Promise<FileServer> {
  const server = createServer((request, response) => {
    const body = files[new URL(request.url ?? '/', 'http://x').pathname]
    if (body === undefined) return response.writeHead(404).end('not found')
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
