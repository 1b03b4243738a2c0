import { describe, expect, it } from 'vitest'
import { HandlerExecutionError, HandlerTimeoutError } from '../errors.js'
import { readDeliveryError, toDeliveryError } from './delivery-error.js'

const fields = { handler: 'audit_log', eventId: 'e1', attempt: 2 }

describe('toDeliveryError', () => {
  it('serialises a HandlerExecutionError with the name and message of what the handler threw', () => {
    const error = toDeliveryError(new HandlerExecutionError(fields, new TypeError('x is undefined')), fields)
    expect(error).toEqual({
      code: 'E_HANDLER',
      message: 'handler audit_log failed on event e1 (attempt 2): x is undefined',
      handler: 'audit_log',
      eventId: 'e1',
      attempt: 2,
      cause: { name: 'TypeError', message: 'x is undefined' },
    })
    expect(JSON.parse(JSON.stringify(error))).toEqual(error)
  })

  it('keeps a thrown non-error as the cause message, and a timeout has no cause', () => {
    const thrown = toDeliveryError(new HandlerExecutionError(fields, 'plain string'), fields)
    expect(thrown.cause).toEqual({ name: 'string', message: 'plain string' })
    expect(toDeliveryError(new HandlerTimeoutError(fields, 50), fields)).toEqual({
      code: 'E_TIMEOUT',
      message: 'handler audit_log timed out after 50ms on event e1 (attempt 2)',
      ...fields,
    })
  })

  it('codes an error without a code E_HANDLER', () => {
    expect(toDeliveryError(new Error('bare'), fields).code).toBe('E_HANDLER')
  })
})

describe('readDeliveryError', () => {
  const row = { handler: 'audit_log', eventId: 'e1', attempts: 3, status: 'failed' }

  it('returns a stored serialised error as it is', () => {
    const stored = toDeliveryError(new Error('x'), fields)
    expect(readDeliveryError(stored, row)).toBe(stored)
  })

  it('turns a plain message of an older version into a serialised error coded by the row status', () => {
    expect(readDeliveryError('smtp down', row)).toEqual({
      code: 'E_HANDLER',
      message: 'smtp down',
      handler: 'audit_log',
      eventId: 'e1',
      attempt: 3,
    })
    expect(readDeliveryError('too slow', { ...row, status: 'timed_out' }).code).toBe('E_TIMEOUT')
    expect(readDeliveryError('filtered out', { ...row, status: 'unrouted' }).code).toBe('E_UNROUTED')
  })
})
