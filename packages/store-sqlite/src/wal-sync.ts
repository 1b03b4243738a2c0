import { close, fdatasync, open } from 'node:fs'

/**
 * Makes commits of a WAL database durable off the event loop: the connection runs with `synchronous = NORMAL`
 * (a commit writes its WAL frames without syncing), and `sync(done)` then syncs the WAL file on libuv's thread
 * pool and calls `done` once every commit made before the call is on disk. A write acknowledged after `done`
 * survives a power loss as with `synchronous = FULL`, but the thread that commits does not wait for the disk:
 * under load, commits and other work go on while earlier commits sync (`pnpm bench -- http`: the FULL sync was
 * about a fifth of the shipped server's main-thread time). SQLite still syncs at checkpoints itself.
 *
 * @example
 * ```ts
 * const wal = new WalSync('data/switchyard.db-wal')
 * commit()
 * wal.sync((error) => (error ? rejectAll(error) : resolveAll()))
 * ```
 */
export class WalSync {
  readonly #path: string
  #fd: number | undefined
  #opening: ((error: Error | null) => void)[] | undefined
  #inFlight = 0
  #closed = false

  constructor(walPath: string) {
    this.#path = walPath
  }

  /** Syncs the WAL file as it is now; `done` gets the error of the open or the sync, if any. */
  sync(done: (error: Error | null) => void): void {
    this.#inFlight++
    const finish = (error: Error | null): void => {
      this.#inFlight--
      if (this.#closed && this.#inFlight === 0) this.#release()
      done(error)
    }
    this.#withFd((error) => {
      // no file when the database closed meanwhile (see #withFd): nothing left to sync
      if (error !== null) finish(error)
      else if (this.#fd === undefined) finish(null)
      else fdatasync(this.#fd, (syncError) => finish(syncError))
    })
  }

  /** Closes the file once the syncs in flight finished. */
  close(): void {
    this.#closed = true
    if (this.#inFlight === 0) this.#release()
  }

  /** Opens the WAL file once (it exists from the first commit on); later callers wait for that open. */
  #withFd(ready: (error: Error | null) => void): void {
    if (this.#fd !== undefined) {
      ready(null)
      return
    }
    if (this.#opening !== undefined) {
      this.#opening.push(ready)
      return
    }
    this.#opening = [ready]
    open(this.#path, 'r+', (error, fd) => {
      const waiting = this.#opening!
      this.#opening = undefined
      if (error === null) this.#fd = fd
      // The WAL file goes only when the database closes, after a checkpoint that synced every commit into the
      // database file: a sync asked for just before `close` whose open comes after it has nothing left to do.
      const closedMeanwhile = error?.code === 'ENOENT' && this.#closed
      for (const callback of waiting) callback(closedMeanwhile ? null : error)
    })
  }

  #release(): void {
    const fd = this.#fd
    this.#fd = undefined
    if (fd !== undefined) close(fd, () => {})
  }
}
