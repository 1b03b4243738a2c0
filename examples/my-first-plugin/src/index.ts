export { configSchema, type MyFirstPluginConfig } from './config.js'
export { type DataEntry, migrations } from './data-table.js'
export { myFirstPlugin, myFirstPlugin as default } from './my-first-plugin.js'
