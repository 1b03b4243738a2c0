import { access, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { integrityOf, verifyIntegrity, verifySha256 } from '../archive/digest.js'
import { readArchive, writeArchive } from '../archive/extract-archive.js'
import { type PackageIdentity, packageIdentity } from '../archive/package-identity.js'
import { IncompatiblePluginError, NotAPluginError, PluginVerifyError } from '../errors.js'
import type { MarketplaceContext } from '../marketplace-context.js'
import { fetchBytes } from '../registry/fetch-resource.js'
import type { Artifact } from '../registry/resolve-artifact.js'
import { checkSignature, UNSIGNED } from '../trust/check-signature.js'
import { compatibilityOf, hostRangeOf } from './compatibility.js'
import { installDependencies } from './install-dependencies.js'
import { ProgressReporter } from './install-progress.js'
import type { MarketplaceHooks, PluginPackage } from './marketplace-hooks.js'
import { readPluginManifest } from './plugin-manifest.js'

/** A plugin unpacked, checked and verified in a temporary folder beside the install directory. */
export interface StagedPlugin {
  /** The temporary folder; the caller removes it when done. */
  root: string
  plugin: PluginPackage
  /** SRI (sha512) of the downloaded archive, for the lockfile. */
  integrity: string
  /** Key id of the verified signature, or `unsigned`. */
  signer: string
}

/** What `stagePlugin` may be given besides the artifact. */
export interface StageOptions {
  /** May refuse the signer before anything is written (an upgrade keeping to the installed version's key). */
  acceptSigner?: (identity: PackageIdentity, signer: string) => void
  /** Reports the download, verify, extract, dependencies and load steps. */
  progress?: ProgressReporter
}

/**
 * Downloads an artifact and checks its hash and signature before writing anything (the archive is read in
 * memory for the package.json the signature covers), then unpacks it into a temporary folder inside the install
 * directory's parent (same file system, so the final move is a rename), checks
 * its package.json and host range, installs its dependencies and runs the `verify` hook. On any failure the
 * temporary folder is removed and the error rethrown.
 *
 * @example
 * ```ts
 * const staged = await stagePlugin(artifact, context, hooks, { progress: new ProgressReporter(console.log) })
 * ```
 */
export async function stagePlugin(
  artifact: Artifact,
  context: MarketplaceContext,
  hooks: MarketplaceHooks,
  options: StageOptions = {},
): Promise<StagedPlugin> {
  const progress = options.progress ?? new ProgressReporter()
  const token = artifact.source.kind === 'registry' && sameHost(artifact) ? await context.token() : null
  const bytes = await progress.run(
    'download',
    () =>
      fetchBytes(artifact.url, { ...context.fetch, token, onBytes: (n, total) => progress.bytes(n, total) }),
    (received) => `${received.byteLength} bytes`,
  )
  const { entries, integrity, signer } = await progress.run(
    'verify',
    async () => {
      if (artifact.integrity !== undefined) verifyIntegrity(bytes, artifact.integrity, artifact.url)
      if (artifact.sha256 !== undefined) verifySha256(bytes, artifact.sha256, artifact.url)
      const entries = await readArchive(bytes, context.config.limits)
      const integrity = integrityOf(bytes)
      const identity = packageIdentity(entries)
      const signer = await checkSignature(artifact, identity, integrity, context)
      options.acceptSigner?.(identity, signer)
      return { entries, integrity, signer }
    },
    (verified) => verifiedBy(artifact, verified.signer),
  )
  const parent = dirname(context.installDir)
  await mkdir(parent, { recursive: true })
  const root = await mkdtemp(join(parent, '.switchyard-staging-'))
  try {
    const dir = join(root, 'package')
    const manifest = await progress.run(
      'extract',
      async () => {
        await writeArchive(entries, dir)
        return checkManifest(dir, artifact, context)
      },
      (checked) => `${entries.length} files of ${checked.name}@${checked.version}`,
    )
    await progress.run(
      'dependencies',
      async () =>
        installDependencies(dir, join(root, 'deps'), manifest, {
          provided: context.provided,
          registry: context.config.registry,
          token: await context.token(),
          timeoutMs: context.config.limits.install_timeout_ms,
          npmCommand: context.npmCommand,
        }),
      (count) => (count === 0 ? 'none to install' : `${count} installed with npm`),
    )
    const { name, version, entry, json } = manifest
    const plugin = { name, version, dir, entry, manifest: json } satisfies PluginPackage
    await progress.run('load', async () => {
      try {
        await hooks.verify?.(plugin)
      } catch (cause) {
        throw new PluginVerifyError(plugin.name, cause)
      }
    })
    return { root, plugin, integrity, signer }
  } catch (error) {
    await rm(root, { recursive: true, force: true })
    throw error
  }
}

const verifiedBy = (artifact: Artifact, signer: string) => {
  const digest = artifact.integrity ? 'integrity' : artifact.sha256 ? 'sha256' : 'no checksum given'
  return `${digest}${digest === 'no checksum given' ? '' : ' matches'}; ${signer === UNSIGNED ? 'unsigned' : `signed by ${signer}`}`
}

async function checkManifest(dir: string, artifact: Artifact, context: MarketplaceContext) {
  const manifest = await readPluginManifest(dir, artifact.name)
  if (artifact.version !== undefined && manifest.version !== artifact.version) {
    throw new NotAPluginError(
      `expected ${manifest.name}@${artifact.version} but the archive holds ${manifest.version}`,
    )
  }
  await access(manifest.entry).catch(() => {
    throw new NotAPluginError(
      `${manifest.name}: the eventPlugin entry ${manifest.entry} is not in the archive`,
    )
  })
  const range = hostRangeOf(manifest.json)
  if (compatibilityOf(range, context.hostVersion) === 'incompatible') {
    throw new IncompatiblePluginError(manifest.name, range!, context.hostVersion)
  }
  return manifest
}

function sameHost(artifact: Artifact): boolean {
  return new URL(artifact.url).host === new URL(artifact.source.location).host
}
