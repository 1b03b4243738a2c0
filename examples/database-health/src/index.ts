export {
  databaseHealthConfig,
  databaseHealthPlugin as default,
  databaseHealthPlugin,
} from './database-health-plugin.js'
