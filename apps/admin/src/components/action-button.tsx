import { useState } from 'preact/hooks'
import { messageOf } from '../api/api-client'
import { isAdmin } from '../api/session'

/**
 * A button for an admin action: shown only to a session with the `admin` scope (the server refuses the others
 * anyway), disabled with `busyText` while the call runs (announced), and the failure's code and message shown
 * next to it.
 *
 * @example
 * ```tsx
 * <ActionButton label="Disable" busyText="Draining…" run={() => api(`/api/v1/events/plugins/${name}/disable`, { method: 'POST' })} done={reload} />
 * ```
 */
export function ActionButton(props: {
  label: string
  busyText?: string
  run: () => Promise<unknown>
  done?: (result: unknown) => void
  danger?: boolean
  /** The accessible name, when the visible label alone is ambiguous in a list ("Disable webhooks"). */
  name?: string
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  if (!isAdmin.value) return null
  const click = async () => {
    setBusy(true)
    setError(undefined)
    try {
      props.done?.(await props.run())
    } catch (failure) {
      setError(messageOf(failure))
    } finally {
      setBusy(false)
    }
  }
  return (
    <span class="action">
      <button
        type="button"
        class={props.danger ? 'small danger' : 'small'}
        disabled={busy}
        aria-label={props.name}
        onClick={() => void click()}
      >
        {busy ? (props.busyText ?? `${props.label}…`) : props.label}
      </button>
      <span aria-live="polite" class="sr-status">
        {busy ? (props.busyText ?? `${props.label}…`) : ''}
      </span>
      {error && (
        <span role="alert" class="inline-error">
          {error}
        </span>
      )}
    </span>
  )
}
