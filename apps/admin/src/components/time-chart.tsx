import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** One line of a chart: its legend label and a CSS colour (a custom property of the theme). */
export interface ChartSeries {
  label: string
  color: string
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/**
 * A live time-series chart (uPlot): `x` in epoch seconds, one array of `ys` per series. It takes the width of its
 * container and follows resizes; new data is drawn without rebuilding the chart. The figure's caption and the
 * legend carry the values for screen readers.
 *
 * @example
 * ```tsx
 * <TimeChart title="Events accepted per second" x={seconds} series={[{ label: 'events/s', color: '--accent' }]} ys={[published]} />
 * ```
 */
export function TimeChart(props: {
  title: string
  x: number[]
  series: ChartSeries[]
  ys: (number | null)[][]
  unit?: string
  /**
   * For sparse series (latency: null where nothing ran): join values across the gaps and mark each value with a
   * dot, so a lone second still shows.
   */
  sparse?: boolean
}) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const data = [props.x, ...props.ys] as uPlot.AlignedData

  useEffect(() => {
    const element = box.current!
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 } }
    const plot = new uPlot(
      {
        width: element.clientWidth || 300,
        height: 180,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [axis, { ...axis, size: 50, label: props.unit }],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: cssVar(s.color),
            width: 2,
            spanGaps: props.sparse ?? false,
            ...(props.sparse ? { points: { show: true, size: 5 } } : {}),
          })),
        ],
      },
      data,
      element,
    )
    chart.current = plot
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth || 300, height: 180 }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [props.series.map((s) => s.label).join()])

  useEffect(() => {
    chart.current?.setData(data)
  })

  return (
    <figure class="chart-figure">
      <figcaption>{props.title}</figcaption>
      <div class="chart" ref={box} />
    </figure>
  )
}
