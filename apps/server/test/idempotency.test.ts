import { afterAll, beforeAll, describe } from 'vitest'
import { idempotencyChecks } from './support/idempotency-checks.js'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

const plugins = { recorder: {}, flaky: { enabled: false }, greeter: { enabled: false } }

describe('idempotency keys over HTTP, in process', () => {
  let t: TestServer | undefined
  beforeAll(async () => {
    t = await startTestServer(testConfig({ plugins }))
  })
  afterAll(() => t?.close())

  idempotencyChecks(() => t!)
})
