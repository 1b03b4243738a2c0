export { runPluginDatabasesContract } from './plugin-databases.contract.js'
export { runStoreContract, type StoreContractOptions } from './store.contract.js'
export { runTransportContract, type TransportContractOptions } from './transport.contract.js'
export { delay, uniqueName, waitFor } from './wait-for.js'
