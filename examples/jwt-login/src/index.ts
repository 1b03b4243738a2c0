export { jwtLoginConfig, jwtLoginPlugin as default, jwtLoginPlugin } from './jwt-login-plugin.js'
