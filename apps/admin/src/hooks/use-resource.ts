import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { messageOf } from '../api/api-client'

/** What a page loads: its data once there, the failure's message, whether a load runs, and how to load again. */
export interface Resource<T> {
  data: T | undefined
  error: string | undefined
  loading: boolean
  reload(): Promise<void>
}

/**
 * Loads data for a page when `key` changes (and every `pollMs` when given), keeping the last data while a reload
 * runs so a refresh does not flash an empty page.
 *
 * @example
 * ```ts
 * const plugins = useResource(() => api<PluginList>('/api/v1/events/plugins'), '', 5000)
 * ```
 */
export function useResource<T>(load: () => Promise<T>, key = '', pollMs?: number): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true })
  const latest = useRef(load)
  latest.current = load
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }))
    try {
      const data = await latest.current()
      setState({ data, loading: false })
    } catch (error) {
      setState((s) => ({ ...s, error: messageOf(error), loading: false }))
    }
  }, [])
  useEffect(() => {
    void reload()
    if (pollMs === undefined) return
    const timer = setInterval(() => void reload(), pollMs)
    return () => clearInterval(timer)
  }, [key, pollMs, reload])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}
