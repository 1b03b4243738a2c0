import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'

/** Rows drawn beyond the visible ones, so a fast scroll shows no blank rows. */
const OVERSCAN = 8

/**
 * A list that renders only the rows in view (plus a few): thousands of rows cost what a screenful costs. Rows
 * have a fixed height in pixels.
 *
 * @example
 * ```tsx
 * <VirtualList items={events} rowHeight={36} height={480} label="Events" render={(e) => <Row event={e} />} itemKey={(e) => e.id} />
 * ```
 */
export function VirtualList<T>(props: {
  items: readonly T[]
  rowHeight: number
  label: string
  itemKey: (item: T) => string
  render: (item: T, index: number) => ComponentChildren
}) {
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(600)
  const { items, rowHeight } = props
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN)
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN)
  return (
    <div
      class="stream"
      ref={(element) => {
        if (element && element.clientHeight !== height && element.clientHeight > 0)
          setHeight(element.clientHeight)
      }}
      onScroll={(event) => setScrollTop((event.currentTarget as HTMLElement).scrollTop)}
    >
      <ul class="stream-list" aria-label={props.label} style={{ height: `${items.length * rowHeight}px` }}>
        {items.slice(first, last).map((item, offset) => (
          <li
            key={props.itemKey(item)}
            style={{ top: `${(first + offset) * rowHeight}px`, height: `${rowHeight}px` }}
          >
            {props.render(item, first + offset)}
          </li>
        ))}
      </ul>
    </div>
  )
}
