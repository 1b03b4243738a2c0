import {
  type ConversionConfig,
  type JsonSchema,
  toJsonSchema,
  toJsonSchemaDefs,
} from '@valibot/to-json-schema'
import type { AnySchema } from '../http/validate.js'

const COMPONENTS = '#/components/schemas/'

/**
 * Converts valibot schemas to the JSON Schema (draft 2020-12) of an OpenAPI 3.1 document. A schema given a name
 * (`ApiBuilder.schemas`) becomes one `components.schemas` entry and a `$ref` wherever it is used. Requests are
 * described as the client sends them (before a pipeline's transforms: `?limit=50` is a string), answers as the
 * server writes them.
 *
 * @example
 * ```ts
 * const convert = new SchemaConverter({ PluginStatus })
 * convert.output(v.object({ plugins: v.array(PluginStatus) })) // { ..., items: { $ref: '#/components/schemas/PluginStatus' } }
 * convert.components() // { PluginStatus: { type: 'object', ... } }
 * ```
 */
export class SchemaConverter {
  readonly #definitions: Readonly<Record<string, AnySchema>>

  constructor(definitions: Readonly<Record<string, AnySchema>>) {
    this.#definitions = definitions
  }

  /** A request body or query: the input the client sends. */
  input(schema: AnySchema): JsonSchema {
    return this.#convert(schema, 'input')
  }

  /** An answer's body. */
  output(schema: AnySchema): JsonSchema {
    return this.#convert(schema, 'output')
  }

  /** Every named schema, for `components.schemas`. */
  components(): Record<string, JsonSchema> {
    return toJsonSchemaDefs(this.#definitions, this.#config('output'))
  }

  #convert(schema: AnySchema, typeMode: 'input' | 'output'): JsonSchema {
    // The named schemas live in `components`: each conversion's own `$defs` copy of them is dropped.
    const config = { ...this.#config(typeMode), definitions: this.#definitions }
    const { $defs: _copies, ...converted } = toJsonSchema(schema, config)
    return converted
  }

  #config(typeMode: 'input' | 'output'): Omit<ConversionConfig, 'definitions'> {
    return {
      target: 'draft-2020-12',
      typeMode,
      // Checks JSON Schema cannot say (custom `check`s) are left out rather than failing the document.
      errorMode: 'ignore',
      overrideRef: ({ referenceId }) => `${COMPONENTS}${referenceId}`,
    }
  }
}
