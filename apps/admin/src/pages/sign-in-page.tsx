import { useState } from 'preact/hooks'
import { messageOf } from '../api/api-client'
import { signIn } from '../api/session'
import { ErrorBox } from '../components/async-view'

/**
 * The sign-in form: a token (a password field, never put in a URL or in storage) exchanged by the server for a
 * session cookie.
 */
export function SignInPage() {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const token = new FormData(form).get('token')
    setBusy(true)
    try {
      await signIn(String(token ?? ''))
    } catch (failure) {
      setError(messageOf(failure))
      setBusy(false)
    }
  }
  return (
    <main class="sign-in">
      <h1>Switchyard admin</h1>
      <form onSubmit={submit} method="post">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <p class="muted small-text">
          A token from <code>auth.tokens</code> or <code>switchyard token create</code>.
        </p>
        {error && <ErrorBox message={error} />}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  )
}
