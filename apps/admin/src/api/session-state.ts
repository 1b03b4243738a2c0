import { signal } from '@preact/signals'

/** A token's scopes: `admin` implies every other. */
export type Scope = 'admin' | 'publish' | 'read' | 'metrics'

/** Who is signed in (`GET /api/v1/session`). */
export interface Session {
  name: string
  scopes: Scope[]
  expiresAt: string
}

/** The signed-in session; null when signed out, undefined while the first check runs. */
export const session = signal<Session | null | undefined>(undefined)
