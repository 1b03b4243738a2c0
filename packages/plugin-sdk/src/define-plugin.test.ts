import * as v from 'valibot'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { definePlugin } from './define-plugin.js'
import { PluginLoadError } from './errors.js'
import { PERMISSIONS } from './permissions.js'

describe('definePlugin', () => {
  it('returns a frozen plain descriptor and types ctx.config from the schema', () => {
    const plugin = definePlugin({
      name: 'order-notifications',
      version: '1.0.0',
      config: v.object({ channel: v.picklist(['log', 'webhook']), retries: v.optional(v.number(), 2) }),
      setup(ctx) {
        expectTypeOf(ctx.config).toEqualTypeOf<{ channel: 'log' | 'webhook'; retries: number }>()
      },
    })
    expect(Object.isFrozen(plugin)).toBe(true)
    expect(Object.getPrototypeOf(plugin)).toBe(Object.prototype)
    expect(plugin.name).toBe('order-notifications')
  })

  it('types ctx.publish from the declared events', () => {
    definePlugin({
      name: 'shipping',
      version: '1.0.0',
      publishes: { 'order.shipped': { schema: v.object({ orderId: v.string() }) } },
      setup(ctx) {
        expectTypeOf(ctx.publish<'order.shipped'>)
          .parameter(1)
          .toEqualTypeOf<{ orderId: string }>()
      },
    })
  })

  it('refuses a bad name, version, permission or dependency range, naming each field', () => {
    const attempt = () =>
      definePlugin({
        name: 'Bad_Name',
        version: 'one',
        permissions: ['events:everything' as 'events:publish'],
        dependencies: { 'audit-log': 'not a range' },
        setup() {},
      })
    expect(attempt).toThrow(PluginLoadError)
    expect(attempt).toThrow(
      [
        'plugin "Bad_Name" is invalid:',
        '  name: expected a kebab-case plugin name, got "Bad_Name"',
        '  version: expected a semver version, got "one"',
        '  dependencies.audit-log: expected a semver range, got "not a range"',
        // Every permission is named, whichever ones a release adds.
        `  permissions.0: expected (${PERMISSIONS.map((p) => `"${p}"`).join(' | ')}), got "events:everything"`,
      ].join('\n'),
    )
  })

  it('refuses migrations without an id, with repeated ids, or without database:write, and provides that are not functions', () => {
    const base = { name: 'inventory', version: '1.0.0', setup() {} }
    expect(() =>
      definePlugin({
        ...base,
        permissions: ['database:write'],
        migrations: [{ up: 'CREATE TABLE a (x INTEGER)' } as { id: string; up: string }],
        provides: { quote: 'cheap' } as never,
      }),
    ).toThrow(
      [
        'plugin "inventory" is invalid:',
        '  migrations.0.id: expected "id", got undefined',
        '  provides: expected an object of functions, or a function of the context returning one, got Object',
      ].join('\n'),
    )
    const twice = { id: '001-items', up: 'CREATE TABLE items (x INTEGER)' }
    expect(() =>
      definePlugin({ ...base, permissions: ['database:write'], migrations: [twice, twice] }),
    ).toThrow('  migrations: expected unique migration ids (001-items repeated), got Array')
    expect(() => definePlugin({ ...base, migrations: [twice] })).toThrow(
      "  migrations: expected the 'database:write' permission, which migrations need, got Object",
    )
  })
})
