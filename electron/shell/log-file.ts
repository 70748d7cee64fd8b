// The app's log: a file in the data dir (an installed app has no terminal), rotated by size so
// it never grows without bound. The boot-failure dialog's "Open log" button opens it.
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';

const LOG_FILE_NAME = 'loopgate.log';

export interface RotationLimits {
  /** A file is rotated before a write would take it past this size. */
  maxBytes: number;
  /** How many rotated files (`loopgate.log.1` …) are kept besides the current one. */
  keep: number;
}

const DEFAULT_LIMITS: RotationLimits = { maxBytes: 1024 * 1024, keep: 3 };

export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', LOG_FILE_NAME);
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: string }).code !== 'ENOENT') throw error;
}

export class RotatingLogFile extends Writable {
  private size: number | null = null;

  constructor(
    readonly path: string,
    private readonly limits: RotationLimits = DEFAULT_LIMITS,
    /** Also written to, e.g. stderr when run from a terminal. */
    private readonly mirror: NodeJS.WritableStream | null = null,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.mirror?.write(chunk);
    // A log that cannot be written must not take the app down with it: the line is dropped.
    this.append(chunk).then(
      () => callback(),
      () => callback(),
    );
  }

  private async append(chunk: Buffer): Promise<void> {
    if (this.size === null) {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      this.size = await stat(this.path).then(
        (info) => info.size,
        () => 0,
      );
    }
    if (this.size > 0 && this.size + chunk.length > this.limits.maxBytes) await this.rotate();
    await appendFile(this.path, chunk, { mode: 0o600 });
    this.size += chunk.length;
  }

  private async rotate(): Promise<void> {
    for (let index = this.limits.keep - 1; index >= 1; index--) {
      await rename(`${this.path}.${index}`, `${this.path}.${index + 1}`).catch(ignoreMissing);
    }
    await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    this.size = 0;
  }
}
