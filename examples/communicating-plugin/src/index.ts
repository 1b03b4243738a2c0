export { communicatingPlugin, communicatingPlugin as default } from './communicating-plugin.js'
