/**
 * An npm package name, scoped or not. It never starts with a dot and has at most one slash, so
 * `<install_dir>/<name>` always stays inside the install directory.
 *
 * @example
 * ```ts
 * PACKAGE_NAME.test('@switchyard/plugin-audit-log') // true
 * ```
 */
export const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]{0,213}$/
