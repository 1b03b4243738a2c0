/** A state or status as a coloured pill (`started`, `failed`, `dead_lettered`…); the text says it, not only the colour. */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge s-${props.status}`}>{props.status.replaceAll('_', ' ')}</span>
}
