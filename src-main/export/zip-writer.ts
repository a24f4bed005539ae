import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import yazl from 'yazl';

// A ZIP written front to back with bounded memory: each entry is a stream that yazl drains in
// order, every write waits when the stream is full, and each entry's SHA-256 is taken from the
// bytes as written (the manifest lists them without reading anything back).

const CHUNK = 64 * 1024;

/**
 * Deflate level of every entry. Measured on an export's own files (bench/deflate-levels.ts, 171 MiB
 * of evaluations.jsonl, cases.jsonl, cases.csv and audit.jsonl): level 1 deflates 128 MiB/s per core
 * to 19.4% of the input, level 6 (zlib's default) 74 MiB/s to 16.3%, level 9 46 MiB/s to 16.0%. At a
 * million cases (about 10 GiB of text) deflate is the floor of an export, so level 1: 1.7 times the
 * throughput for a bundle a fifth larger.
 */
export const DEFLATE_LEVEL = 1;

export interface WrittenFile {
  path: string;
  sha256: string;
  bytes: number;
}

export class ZipBundleWriter {
  private readonly zip = new yazl.ZipFile();
  private readonly file: WriteStream;
  private readonly closed: Promise<void>;
  private failure: Error | null = null;
  private failListeners: ((e: Error) => void)[] = [];
  readonly written: WrittenFile[] = [];

  constructor(
    path: string,
    private readonly mtime: Date,
  ) {
    this.file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.zip.outputStream.pipe(this.file);
    this.closed = new Promise((resolve, reject) => {
      this.file.on('close', () => (this.failure ? reject(this.failure) : resolve()));
      const fail = (e: Error) => this.fail(e);
      this.file.on('error', fail);
      this.zip.outputStream.on('error', fail);
    });
    this.closed.catch(() => undefined); // observed through failed()/finish()
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const l of this.failListeners) l(e);
    this.failListeners = [];
  }

  /** Rejects when the output fails: every wait races against it, so a full disk cannot hang an export. */
  failed(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.failure) reject(this.failure);
      else this.failListeners.push(reject);
    });
  }

  entry(path: string): ZipEntryWriter {
    const stream = new PassThrough({ highWaterMark: 4 * CHUNK });
    this.zip.addReadStream(stream, path, { mtime: this.mtime, mode: 0o100644, compressionLevel: DEFLATE_LEVEL });
    return new ZipEntryWriter(path, stream, this, (f) => this.written.push(f));
  }

  async addBuffer(path: string, data: Buffer): Promise<WrittenFile> {
    const e = this.entry(path);
    await e.write(data);
    return e.end();
  }

  async finish(): Promise<void> {
    this.zip.end();
    await Promise.race([this.closed, this.failed()]);
  }

  /** Stops writing; the caller removes the file. */
  abort(reason: Error): void {
    this.fail(reason);
    this.zip.outputStream.unpipe(this.file);
    this.file.destroy();
  }
}

export class ZipEntryWriter {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    readonly path: string,
    private readonly stream: PassThrough,
    private readonly owner: ZipBundleWriter,
    private readonly onEnd: (f: WrittenFile) => void,
  ) {}

  /** Buffers small strings into 64 KiB writes. */
  async text(s: string): Promise<void> {
    this.pending.push(s);
    this.pendingLength += s.length;
    if (this.pendingLength >= CHUNK) await this.flush();
  }

  /** Buffers like text() without waiting: pair with drained() (for rows read by a statement's iterator). */
  textNow(s: string): void {
    this.pending.push(s);
    this.pendingLength += s.length;
    if (this.pendingLength >= CHUNK) this.flushNow();
  }

  private flushNow(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.writeNow(data);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    await this.write(data);
  }

  /** Bytes handed to the entry so far. */
  get bytesWritten(): number {
    return this.bytes;
  }

  /** Writes without waiting; pair with drained() (pdfkit produces its output synchronously). */
  writeNow(data: Buffer): void {
    this.hash.update(data);
    this.bytes += data.length;
    this.stream.write(data);
  }

  async drained(): Promise<void> {
    while (this.stream.writableNeedDrain) {
      await Promise.race([new Promise((r) => this.stream.once('drain', r)), this.owner.failed()]);
    }
  }

  async write(data: Buffer): Promise<void> {
    this.writeNow(data);
    await this.drained();
  }

  async end(): Promise<WrittenFile> {
    await this.flush();
    this.stream.end();
    const f = { path: this.path, sha256: this.hash.digest('hex'), bytes: this.bytes };
    this.onEnd(f);
    return f;
  }
}
