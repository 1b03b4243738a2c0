import type { HttpRequestInfo, PostResponseValue, PreRequestValue } from '@switchyard/plugin-sdk'
import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { requestTracingMiddleware } from './request-tracing-plugin.js'

const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

/** Passes one request through the host's pre_request chain, then its answer through post_response, as the server does. */
async function roundTrip(host: TestHost, headers: Record<string, string>) {
  const extensions = host.bus.extensions
  const request: HttpRequestInfo = {
    method: 'GET',
    url: 'http://x/orders',
    path: '/orders',
    headers,
    requestId: 'req-1',
  }
  let pre: PreRequestValue = { request }
  for (const { fn } of extensions.contributions<PreRequestValue, PreRequestValue>('middleware.pre_request'))
    pre = (await fn(pre)) ?? pre
  await new Promise((resolve) => setTimeout(resolve, 20)) // the route's work
  let post: PostResponseValue = { request: pre.request, response: { status: 200, headers: {} } }
  for (const { fn } of extensions.contributions<PostResponseValue, PostResponseValue>(
    'middleware.post_response',
  ))
    post = (await fn(post)) ?? post
  return { seenByRoute: pre.request.headers, answered: post.response.headers }
}

describe('request-tracing-middleware', () => {
  it("keeps the caller's correlation id on the request and the answer, and times the request", async () => {
    const host = await createTestHost({ plugins: [requestTracingMiddleware] })
    hosts.push(host)
    const { seenByRoute, answered } = await roundTrip(host, { 'x-correlation-id': 'abc-123' })
    expect(seenByRoute['x-correlation-id']).toBe('abc-123')
    expect(answered['x-correlation-id']).toBe('abc-123')
    expect(Number(answered['x-processing-time'])).toBeGreaterThanOrEqual(15)
  })

  it('makes a correlation id when the caller sent none, under the configured header names', async () => {
    const host = await createTestHost({
      plugins: [requestTracingMiddleware],
      config: {
        'request-tracing-middleware': { correlation_header: 'X-Request-ID', timing_header: 'X-Took' },
      },
    })
    hosts.push(host)
    const { seenByRoute, answered } = await roundTrip(host, {})
    expect(seenByRoute['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(answered['x-request-id']).toBe(seenByRoute['x-request-id'])
    expect(answered).toHaveProperty('x-took')
  })

  it('refuses a header name that is not one, naming the key', async () => {
    await expect(
      createTestHost({
        plugins: [requestTracingMiddleware],
        config: { 'request-tracing-middleware': { correlation_header: 'bad header' } },
      }),
    ).rejects.toThrow(/correlation_header: expected an HTTP header name/)
  })
})
