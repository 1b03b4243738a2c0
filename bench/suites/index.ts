import type { Suite } from '../lib/suite.js'
import { coreSuite } from './core.js'
import { delayedSuite } from './delayed.js'
import { flowSuite } from './flow.js'
import { hostSuite } from './host.js'
import { httpSuite } from './http.js'
import { isolationSuite } from './isolation.js'
import { latencySuite } from './latency.js'
import { natsSuite } from './nats.js'
import { scalingSuite } from './scaling.js'
import { sqliteSuite } from './sqlite.js'
import { telemetrySuite } from './telemetry.js'

/**
 * Every suite `pnpm bench` knows, in the order they run. A new suite is a file `bench/suites/<name>.ts`
 * exporting a `Suite`, added here.
 */
export const suites: Suite[] = [
  coreSuite,
  sqliteSuite,
  hostSuite,
  isolationSuite,
  httpSuite,
  natsSuite,
  latencySuite,
  scalingSuite,
  telemetrySuite,
  flowSuite,
  delayedSuite,
]
