// scratch (not committed): the shipped config with overrides from VARIANT (JSON merged per top-level key)
import { fileURLToPath } from 'node:url'
import { loadConfig } from '@switchyard/host'
import { startServer } from '@switchyard/server'

process.chdir(fileURLToPath(new URL('../../..', import.meta.url)))
const env = { ...process.env, PORT: '0', SWITCHYARD_ADMIN_TOKEN: 'bench-token-0123456789' }
const { config } = await loadConfig('config/switchyard.yaml', { env })
const variant = JSON.parse(process.env.VARIANT ?? '{}')
const merged: Record<string, unknown> = { ...config, storage: { driver: 'sqlite', path: process.argv[3] } }
for (const [k, v] of Object.entries(variant)) merged[k] = { ...(merged[k] as object), ...(v as object) }
const server = await startServer({ config: merged as never })
process.stderr.write(`PORT ${server.port}\n`)
