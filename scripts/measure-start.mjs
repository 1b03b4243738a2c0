#!/usr/bin/env node
// Times `pnpm start` from the command to the server's "listening on" line, then stops it: the figures the
// README states. Usage: node scripts/measure-start.mjs [runs]   (PORT=0: any free port; a fixed admin token, so
// no token is generated into data/).
import { spawn } from 'node:child_process'

const runs = Number(process.argv[2] ?? 1)

function once() {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('pnpm', ['start'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', SWITCHYARD_ADMIN_TOKEN: 'measure-start-token' },
    })
    let output = ''
    const seen = (chunk) => {
      output += chunk
      if (/listening on http:\/\/[^\s"]+/.test(output)) {
        const seconds = (performance.now() - started) / 1000
        process.kill(-child.pid, 'SIGTERM')
        child.once('exit', () => resolve(seconds))
      }
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.once('exit', (code) => {
      if (!/listening on/.test(output)) reject(new Error(`pnpm start exited ${code}:\n${output}`))
    })
  })
}

for (let i = 1; i <= runs; i++) console.log(`run ${i}: ${(await once()).toFixed(1)} s to "listening on"`)
