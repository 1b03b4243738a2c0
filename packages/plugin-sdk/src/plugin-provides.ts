/** What a plugin offers its dependents (`provides`): named functions, each called with serialisable arguments. */
export type Provides = Readonly<Record<string, (...args: never[]) => unknown>>

/**
 * The API a type stands for: the `provides` of a plugin definition type (`typeof plugin`), or the type itself
 * when it is already an API (an interface of functions).
 */
export type ProvidesOf<P> = P extends {
  readonly name: string
  readonly setup: unknown
  readonly provides?: infer X
}
  ? FactoryResult<NonNullable<X>>
  : P

// Distributes over `provides`' union of an object and a factory of that object.
type FactoryResult<X> = X extends (...args: never[]) => infer R ? R : X

/** Functions as a dependent calls them through `ctx.use`: every one async, whatever the provider returns. */
export type Remote<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (
    ...args: infer A
  ) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never
}

/** What `ctx.use<P>(name)` returns. */
export type UsedPlugin<P> = Remote<ProvidesOf<P>>
