export {
  requestTracingMiddleware as default,
  requestTracingMiddleware,
  tracingConfig,
} from './request-tracing-plugin.js'
