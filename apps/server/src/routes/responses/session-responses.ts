import * as v from 'valibot'

/** `200` of the session endpoints: who the session cookie stands for. */
export const SessionInfo = v.object({
  name: v.pipe(v.string(), v.description('Name of the token the session was started with')),
  scopes: v.pipe(v.array(v.string()), v.description("The token's scopes: admin, publish, read, metrics")),
  expiresAt: v.pipe(v.string(), v.description('RFC 3339: when the session (and its cookie) ends')),
})
