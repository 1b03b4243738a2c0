import { describe, expect, it } from 'vitest'
import type { DeliveryRecord } from '../store/store.js'
import { EventTally } from './event-tally.js'

const down = { code: 'E_HANDLER', message: 'down', handler: 'mailer', eventId: 'e1', attempt: 1 }

const record = (handler: string, status: DeliveryRecord['status'], error?: typeof down): DeliveryRecord => ({
  eventId: 'e1',
  handler,
  status,
  attempts: 1,
  durationMs: 2,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...(error === undefined ? {} : { error }),
})

describe('EventTally', () => {
  it('reports an event once every handler it was accepted for has a final record written', () => {
    const tally = new EventTally()
    tally.accepted('e1', ['audit_log', 'mailer'])
    tally.written([record('mailer', 'retrying'), record('audit_log', 'succeeded')])
    expect(tally.report('e1')).toBe('open')
    tally.written([record('mailer', 'failed', down)])
    expect(tally.report('e1')).toEqual({
      eventId: 'e1',
      outcomes: [
        { handler: 'audit_log', status: 'succeeded', attempts: 1, durationMs: 2 },
        { handler: 'mailer', status: 'failed', attempts: 1, durationMs: 2, error: down },
      ],
    })
    // Reported events are forgotten; so are events never accepted here.
    expect(tally.report('e1')).toBeUndefined()
    expect(tally.report('e2')).toBeUndefined()
  })
})
