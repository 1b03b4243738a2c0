/**
 * The one-line text of an error as the API reports it: a string, or a serialised error's `code: message`.
 *
 * @example
 * ```ts
 * errorText({ code: 'E_HANDLER', message: 'boom' }) // 'E_HANDLER: boom'
 * ```
 */
export function errorText(error: unknown): string {
  if (error === undefined || error === null) return ''
  if (typeof error === 'string') return error
  const { code, message } = error as { code?: string; message?: string }
  return [code, message].filter(Boolean).join(': ') || JSON.stringify(error)
}
