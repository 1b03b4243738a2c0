import * as v from 'valibot'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { definePlugin } from './define-plugin.js'
import type { PluginContext } from './plugin-context.js'
import type { UsedPlugin } from './plugin-provides.js'

const pricing = definePlugin({
  name: 'pricing',
  version: '1.0.0',
  provides: {
    async quote(sku: string, quantity: number) {
      return { sku, total: quantity * 2 }
    },
    currency: () => 'EUR',
  },
  setup() {},
})

const catalog = definePlugin({
  name: 'catalog',
  version: '1.0.0',
  config: v.object({ prefix: v.string() }),
  provides: (ctx) => ({ label: (id: number) => `${ctx.config.prefix}${id}` }),
  setup() {},
})

describe('UsedPlugin', () => {
  it("types a provider's functions as async from its definition", () => {
    expectTypeOf<UsedPlugin<typeof pricing>['quote']>().toEqualTypeOf<
      (sku: string, quantity: number) => Promise<{ sku: string; total: number }>
    >()
    expectTypeOf<UsedPlugin<typeof pricing>['currency']>().toEqualTypeOf<() => Promise<string>>()
    expect(typeof pricing.provides).toBe('object')
  })

  it('types the functions a provides factory returns', () => {
    expectTypeOf<UsedPlugin<typeof catalog>['label']>().toEqualTypeOf<(id: number) => Promise<string>>()
  })

  it('takes an API interface as it is', () => {
    interface Stock {
      level(sku: string): Promise<number>
    }
    expectTypeOf<UsedPlugin<Stock>['level']>().toEqualTypeOf<(sku: string) => Promise<number>>()
    const use = (ctx: PluginContext) => ctx.use('stock')
    expectTypeOf<ReturnType<typeof use>[string]>().toEqualTypeOf<(...args: unknown[]) => Promise<unknown>>()
  })
})
