import { describe, expect, it } from 'vitest'
import { parseConfig } from './load-config.js'

describe('schedules config', () => {
  it('reads schedules with their defaults', () => {
    const { config } = parseConfig(
      [
        'schedules:',
        '  - name: nightly-cleanup',
        '    cron: "0 2 * * *"',
        '    timezone: Europe/Berlin',
        '    event: { type: cleanup.nightly, data: { days: 30 } }',
        '  - { name: heartbeat, cron: "*/10 * * * * *", event: { type: system.heartbeat }, catch_up: none }',
      ].join('\n'),
    )
    expect(config.schedules).toEqual([
      {
        name: 'nightly-cleanup',
        cron: '0 2 * * *',
        timezone: 'Europe/Berlin',
        event: { type: 'cleanup.nightly', data: { days: 30 } },
        catch_up: 'last',
      },
      {
        name: 'heartbeat',
        cron: '*/10 * * * * *',
        event: { type: 'system.heartbeat', data: null },
        catch_up: 'none',
      },
    ])
    expect(parseConfig('server: {}').config.schedules).toEqual([])
  })

  /** The lines of the ConfigError `text` makes. */
  const problems = (text: string): string[] => {
    try {
      parseConfig(text, { file: 's.yaml' })
    } catch (error) {
      return (error as Error).message.split('\n').slice(1)
    }
    return []
  }

  it('refuses a cron that does not parse, a bad zone and a bad catch_up, with file and line', () => {
    const text = [
      'schedules:',
      '  - name: a',
      '    cron: "61 * * * *"',
      '    event: { type: x.y }',
      '  - name: b',
      '    cron: "* * *"',
      '    timezone: Mars/Olympus',
      '    event: { type: x.y }',
      '    catch_up: sometimes',
    ].join('\n')
    expect(problems(text)).toEqual([
      expect.stringMatching(/^s\.yaml:3:11: schedules\.0\.cron: expected a cron expression .*minute: 61/),
      expect.stringMatching(/^s\.yaml:6:11: schedules\.1\.cron: expected a cron expression .*parts/),
      expect.stringMatching(/^s\.yaml:7:15: schedules\.1\.timezone: expected an IANA time zone/),
      expect.stringMatching(/^s\.yaml:9:15: schedules\.1\.catch_up: expected one of none, last, all/),
    ])
  })

  it('refuses a bad event type and a repeated name, with file and line', () => {
    const text = [
      'schedules:',
      '  - { name: a, cron: "* * * * *", event: { type: Bad Type } }',
      '  - { name: a, cron: "@daily", event: { type: x.y } }',
    ].join('\n')
    expect(problems(text)).toEqual([
      expect.stringMatching(/^s\.yaml:2:\d+: schedules\.0\.event\.type: expected an event type/),
      's.yaml:3:13: schedules.1.name: expected a name no other schedule has (schedules.0 is "a" too), got "a"',
    ])
  })
})
