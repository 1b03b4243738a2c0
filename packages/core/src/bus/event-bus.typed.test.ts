import { describe, expectTypeOf, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import type { Event, EventMap } from '../event/event.js'
import type { MatchesPattern, PatternData } from '../event/typed-events.js'
import { EventBus } from './event-bus.js'

interface ShopEvents extends EventMap {
  'order.created': { orderId: string; total: number }
  'order.status_changed': { orderId: string; status: 'shipped' | 'cancelled' }
  'user.created': { userId: string }
}

describe('typed EventBus', () => {
  it('types handler data from the pattern', () => {
    const bus = new EventBus<ShopEvents>()
    bus.subscribe(
      'order.created',
      (event) => {
        expectTypeOf(event.data).toEqualTypeOf<{ orderId: string; total: number }>()
      },
      { name: 'exact' },
    )
    bus.subscribe(
      'order.*',
      (event) => {
        expectTypeOf(event.data).toEqualTypeOf<
          ShopEvents['order.created'] | ShopEvents['order.status_changed']
        >()
      },
      { name: 'star', filter: (event) => event.data.orderId !== '' },
    )
    type Any = ShopEvents['order.created'] | ShopEvents['order.status_changed'] | ShopEvents['user.created']
    bus.subscribe('**', (event) => expectTypeOf(event).toEqualTypeOf<Event<Any>>(), { name: 'all' })
  })

  it('checks published data against the event type', () => {
    const bus = new EventBus<ShopEvents>()
    void bus.publish(createEvent('order.created', { orderId: 'o-1', total: 10 }))
    // @ts-expect-error: total must be a number
    void bus.publish(createEvent('order.created', { orderId: 'o-1', total: '10' }))
    // @ts-expect-error: status is not one of the declared values
    void bus.enqueue(createEvent('order.status_changed', { orderId: 'o-1', status: 'lost' }))
    // @ts-expect-error: the type is not in the map
    void bus.publish(createEvent('order.deleted', { orderId: 'o-1' }))
  })

  it('leaves an untyped bus open to every event', () => {
    const bus = new EventBus()
    void bus.publish(createEvent('anything.at_all', { whatever: true }))
    bus.subscribe('a.*', (event) => expectTypeOf(event.data).toBeUnknown(), { name: 'h' })
  })

  it('matches patterns at the type level like at run time', () => {
    expectTypeOf<MatchesPattern<'order.created', 'order.*'>>().toEqualTypeOf<true>()
    expectTypeOf<MatchesPattern<'order.item.added', 'order.*'>>().toEqualTypeOf<false>()
    expectTypeOf<MatchesPattern<'order.item.added', 'order.**'>>().toEqualTypeOf<true>()
    expectTypeOf<MatchesPattern<'order', 'order.**'>>().toEqualTypeOf<false>()
    expectTypeOf<MatchesPattern<'user.created', '*.created'>>().toEqualTypeOf<true>()
    expectTypeOf<PatternData<ShopEvents, 'user.*'>>().toEqualTypeOf<{ userId: string }>()
  })
})
