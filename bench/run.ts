import { fileURLToPath } from 'node:url'
import { machineInfo } from './lib/machine-info.js'
import { renderConsole, renderSection } from './lib/report.js'
import { writeSection } from './lib/results-file.js'
import { selectSuites } from './lib/select-suites.js'
import { suites } from './suites/index.js'

const resultsPath = fileURLToPath(new URL('./RESULTS.md', import.meta.url))

const { suites: selected, quick } = selectSuites(process.argv.slice(2), suites)
const ctx = { quick, log: (message: string) => console.log(`  ${message}`) }

for (const suite of selected) {
  console.log(`\nrunning ${suite.name}${quick ? ' (quick)' : ''}...`)
  const started = performance.now()
  const result = await suite.run(ctx)
  console.log(`\n${renderConsole(suite, result)}`)
  console.log(`\n${suite.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // Written after each suite, so a later suite failing does not lose the numbers of this one.
  if (quick) console.log('--quick: RESULTS.md left as it was')
  else await writeSection(resultsPath, suite.name, renderSection(suite, result, machineInfo()))
}
if (!quick) console.log(`\nresults written to ${resultsPath}`)
