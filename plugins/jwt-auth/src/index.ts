export { type JwtAuthConfig, jwtAuthConfig } from './config.js'
export { jwtAuthPlugin as default, jwtAuthPlugin } from './jwt-auth-plugin.js'
export { jwtVerifier } from './jwt-verifier.js'
