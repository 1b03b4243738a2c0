/**
 * A JSON value, pretty-printed in a scrollable block that keyboard users can focus and scroll.
 *
 * @example
 * ```tsx
 * <JsonBlock label="Payload" value={event.data} />
 * ```
 */
export function JsonBlock(props: { label: string; value: unknown }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
    <pre tabIndex={0} title={props.label}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  )
}
