/** The configuration file `start` (and the client commands, for the server's address) use when none is given and it exists. */
export const DEFAULT_CONFIG_FILE = 'config/switchyard.yaml'
