import type { Event, EventMap } from './event.js'

/** Whether event type `T` matches pattern `P` (`*` one segment, `**` one or more trailing), at the type level. */
export type MatchesPattern<T extends string, P extends string> = P extends '**'
  ? true
  : P extends `${infer Head}.${infer Rest}`
    ? T extends `${infer TypeHead}.${infer TypeRest}`
      ? Head extends '*' | TypeHead
        ? MatchesPattern<TypeRest, Rest>
        : false
      : false
    : T extends `${string}.${string}`
      ? false
      : P extends '*' | T
        ? true
        : false

/**
 * The event types an event map declares, without its index signature (an `interface X extends EventMap` has
 * one); `string` for an untyped map.
 *
 * @example
 * ```ts
 * type T = EventTypeOf<{ 'order.created': { id: string } }> // 'order.created'
 * ```
 */
export type EventTypeOf<M extends EventMap> = [KnownKeys<M>] extends [never] ? string : KnownKeys<M>

type KnownKeys<M> = keyof { [K in keyof M as string extends K ? never : K]: M[K] } & string

/**
 * The payload type a handler of pattern `P` receives on a bus typed with `M`: the union of the payloads of the
 * event types `P` matches (`unknown` for an untyped bus).
 *
 * @example
 * ```ts
 * type Data = PatternData<{ 'order.created': { id: string }; 'user.created': { name: string } }, 'order.*'> // { id: string }
 * ```
 */
export type PatternData<M extends EventMap, P extends string> = [KnownKeys<M>] extends [never]
  ? unknown
  : P extends KnownKeys<M>
    ? M[P]
    : { [K in KnownKeys<M>]: MatchesPattern<K, P> extends true ? M[K] : never }[KnownKeys<M>]

/**
 * An event of bus `M` whose type is `K`: what `publish` accepts.
 *
 * @example
 * ```ts
 * const e: EventOf<{ 'order.created': { id: string } }, 'order.created'> = createEvent('order.created', { id: 'o-1' })
 * ```
 */
export type EventOf<M extends EventMap, K extends string> = Event<K extends keyof M ? M[K] : unknown> & {
  readonly type: K
}
