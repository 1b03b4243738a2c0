// The handler the HTTP ingest benchmark delivers every event to: the server does the full work of an accepted
// event (enqueue, dispatch, ledger) without a handler that costs anything itself.
export default {
  name: 'bench-noop',
  version: '1.0.0',
  permissions: ['events:subscribe'],
  setup(ctx) {
    ctx.on('**', () => {}, { name: 'bench_noop' })
  },
}
