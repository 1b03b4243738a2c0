/** What a CLI command is told about the world: where to write, the environment, whether stdout is a terminal. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: Readonly<Record<string, string | undefined>>
  /** stdout is a terminal: tables and colors are for people; false when piped or captured. */
  isTty?: boolean
}
