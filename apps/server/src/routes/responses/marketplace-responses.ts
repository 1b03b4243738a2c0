import * as v from 'valibot'

const text = (description: string) => v.pipe(v.string(), v.description(description))
const optionalText = v.nullable(v.string())

/** A plugin the marketplace installed, as its lockfile records it. */
export const InstalledPlugin = v.object({
  name: v.string(),
  version: v.string(),
  source: v.object({ kind: v.picklist(['registry', 'index', 'url']), location: v.string() }),
  integrity: text('SRI digest of the archive'),
  signer: text('Key id of the verified signature, or unsigned'),
  installedAt: text('RFC 3339'),
  dir: text('Its folder in the install directory'),
  isolation: v.optional(text('Where it runs: none, worker or process')),
})

/** `200` of `POST /api/v1/plugins/upgrade`. */
export const UpgradeResult = v.object({
  plugin: InstalledPlugin,
  previousVersion: v.string(),
  changed: v.pipe(
    v.boolean(),
    v.description('false when the installed version already was the newest match'),
  ),
})

/** `200` of `GET /api/v1/plugins/marketplace`: the plugins on offer, and the sources that could not be read. */
export const MarketplaceCatalog = v.object({
  plugins: v.array(
    v.looseObject({
      name: v.string(),
      version: text('The newest version'),
      versions: v.array(v.string()),
      description: optionalText,
      source: v.picklist(['registry', 'index']),
      location: v.string(),
      downloadUrl: optionalText,
      checksumSha256: optionalText,
      hostRange: optionalText,
      compatibility: text('compatible, incompatible or unknown for this server’s version'),
      installedVersion: optionalText,
      installedSigner: optionalText,
      keyId: optionalText,
    }),
  ),
  problems: v.array(v.object({ location: v.string(), code: v.string(), message: v.string() })),
})
