import { computed } from '@preact/signals'
import { api } from './api-client'
import { type Session, session } from './session-state'

export { type Session, session }

/** Whether the admin actions (enable, replay, install…) are shown. */
export const isAdmin = computed(() => session.value?.scopes.includes('admin') ?? false)

/** Asks the server who the cookie stands for. */
export async function loadSession(): Promise<void> {
  try {
    session.value = await api<Session>('/api/v1/session')
  } catch {
    session.value = null
  }
}

/** Exchanges a token for the session cookie; throws `ApiError` (E_UNAUTHORIZED) for a wrong token. */
export async function signIn(token: string): Promise<void> {
  session.value = await api<Session>('/api/v1/session', { method: 'POST', body: { token } })
}

/** Ends the session on the server and clears the cookie. */
export async function signOut(): Promise<void> {
  await api('/api/v1/session', { method: 'DELETE' }).catch(() => undefined)
  session.value = null
}
