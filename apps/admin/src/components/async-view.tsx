import type { ComponentChildren } from 'preact'
import type { Resource } from '../hooks/use-resource'

/**
 * Shows a resource's state: loading, its error (with a retry), an empty state, or `children(data)`.
 *
 * @example
 * ```tsx
 * <AsyncView resource={plugins} isEmpty={(d) => d.plugins.length === 0} empty="No plugins loaded.">
 *   {(d) => <PluginTable plugins={d.plugins} />}
 * </AsyncView>
 * ```
 */
export function AsyncView<T>(props: {
  resource: Resource<T>
  isEmpty?: (data: T) => boolean
  empty?: ComponentChildren
  children: (data: T) => ComponentChildren
}) {
  const { data, error, loading, reload } = props.resource
  if (data === undefined) {
    if (error !== undefined) return <ErrorBox message={error} retry={reload} />
    return loading ? (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    ) : null
  }
  return (
    <>
      {error !== undefined && <ErrorBox message={error} retry={reload} />}
      {props.isEmpty?.(data) ? <p class="empty">{props.empty}</p> : props.children(data)}
    </>
  )
}

/** An error message, announced to screen readers, with an optional retry button. */
export function ErrorBox(props: { message: string; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      <span>{props.message}</span>
      {props.retry && (
        <button type="button" class="small" onClick={() => props.retry?.()}>
          Retry
        </button>
      )}
    </div>
  )
}
