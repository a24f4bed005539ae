import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { deflateChunk, FINAL_BLOCK, type Chunk } from './format';

export { DEFLATE_LEVEL } from './format';

// A ZIP written front to back with bounded memory. Each entry is a deflate stream made of chunks
// deflated independently (by the export's worker threads, or here for the small files) and joined
// as pigz joins its threads' output; this thread only hashes each chunk's bytes (SHA-256 for the
// manifest, CRC-32 for the ZIP, both native) and appends the deflated bytes to the file. Sizes and
// CRC follow each entry in a data descriptor; ZIP64 records where a size or offset needs them
// (a million-case export's JSON lines pass 4 GiB). The layout follows yazl's, which wrote it before.

export const CHUNK = 256 * 1024;

export interface WrittenFile {
  path: string;
  sha256: string;
  bytes: number;
}

interface Entry {
  name: Buffer;
  offset: number;
  crc: number;
  compressed: number;
  uncompressed: number;
}

const UTF8_NAME = 1 << 11;
const DATA_DESCRIPTOR = 1 << 3;
const VERSION_MADE_BY = (3 << 8) | 63; // unix, spec 6.3
const VERSION_UTF8 = 20;
const VERSION_ZIP64 = 45;
const DEFLATE = 8;
const MODE = 0o100644;
const MAX32 = 0xfffffffe;

function u64(b: Buffer, n: number, at: number): void {
  b.writeUInt32LE(n % 0x100000000, at);
  b.writeUInt32LE(Math.floor(n / 0x100000000), at + 4);
}

/** MS-DOS date and time, in local time as yazl wrote them. */
function dosDateTime(d: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const t = d < min ? min : d > max ? max : d;
  return {
    date: (t.getDate() & 0x1f) | (((t.getMonth() + 1) & 0xf) << 5) | (((t.getFullYear() - 1980) & 0x7f) << 9),
    time: Math.floor(t.getSeconds() / 2) | ((t.getMinutes() & 0x3f) << 5) | ((t.getHours() & 0x1f) << 11),
  };
}

export class ZipBundleWriter {
  private fd: number | null;
  private at = 0;
  private failure: Error | null = null;
  private readonly entries: Entry[] = [];
  private open: ZipEntryWriter | null = null;
  private readonly dos: { date: number; time: number };
  readonly written: WrittenFile[] = [];

  /** Sizes and offsets above this are written in ZIP64 records (a test lowers it to see them). */
  private readonly zip64Above: number;

  constructor(
    readonly path: string,
    private readonly mtime: Date,
    o: { zip64Above?: number } = {},
  ) {
    this.zip64Above = o.zip64Above ?? MAX32;
    this.fd = openSync(path, 'wx', 0o600);
    this.dos = dosDateTime(mtime);
  }

  private zip64(e: Entry): boolean {
    return e.uncompressed > this.zip64Above || e.compressed > this.zip64Above || e.offset > this.zip64Above;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
  }

  /** Appends bytes to the file (synchronously: a write to the page cache; a failure stops the export there). */
  append(data: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new Error('the ZIP is closed');
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
    this.at += data.length;
  }

  entry(path: string): ZipEntryWriter {
    if (this.open) throw new Error(`${this.open.path} is still being written`);
    const close = this.localHeader(path);
    const w = new ZipEntryWriter(
      path,
      (data) => this.append(data),
      () => this.throwIfFailed(),
      (e, f) => {
        close(e, f);
        this.open = null;
      },
    );
    this.open = w;
    return w;
  }

  /**
   * An entry written to a file of its own beside the bundle, while another entry is being written
   * (the case pass makes three files from one read); addSpooled() then copies it in, already deflated.
   * The spool is as private as the bundle (0600) and removed once copied, or by remove() on failure.
   */
  spool(path: string, file: string): SpooledEntry {
    const fd = openSync(file, 'wx+', 0o600);
    let done: { e: Pick<Entry, 'crc' | 'compressed' | 'uncompressed'>; f: WrittenFile } | null = null;
    let removed = false;
    const writer = new ZipEntryWriter(
      path,
      (data) => {
        let at = 0;
        while (at < data.length) at += writeSync(fd, data, at, data.length - at);
      },
      () => this.throwIfFailed(),
      (e, f) => (done = { e, f }),
    );
    const spooled: SpooledEntry = {
      writer,
      place: () => {
        if (!done) throw new Error(`${path} was not ended`);
        if (this.open) throw new Error(`${this.open.path} is still being written`);
        const close = this.localHeader(path);
        const buf = Buffer.allocUnsafe(1 << 20);
        for (let pos = 0; ;) {
          const n = readSync(fd, buf, 0, buf.length, pos);
          if (n === 0) break;
          this.append(buf.subarray(0, n));
          pos += n;
        }
        close(done.e, done.f);
        spooled.remove();
      },
      remove: () => {
        // Once only: a closed descriptor's number may already belong to another file.
        if (removed) return;
        removed = true;
        closeSync(fd);
        rmSync(file, { force: true });
      },
    };
    return spooled;
  }

  /** Writes an entry's local header; the returned function closes the entry with its data descriptor. */
  private localHeader(path: string): (e: Pick<Entry, 'crc' | 'compressed' | 'uncompressed'>, f: WrittenFile) => void {
    const name = Buffer.from(path, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION_UTF8, 4);
    header.writeUInt16LE(UTF8_NAME | DATA_DESCRIPTOR, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(this.dos.time, 10);
    header.writeUInt16LE(this.dos.date, 12);
    // CRC-32 and sizes (14-25) stay zero: they follow in the data descriptor.
    header.writeUInt16LE(name.length, 26);
    const offset = this.at;
    this.append(header);
    this.append(name);
    return (e, f) => {
      const entry: Entry = { name, offset, ...e };
      const dd = Buffer.alloc(this.zip64(entry) ? 24 : 16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(entry.crc, 4);
      if (dd.length === 24) {
        u64(dd, entry.compressed, 8);
        u64(dd, entry.uncompressed, 16);
      } else {
        dd.writeUInt32LE(entry.compressed, 8);
        dd.writeUInt32LE(entry.uncompressed, 12);
      }
      this.append(dd);
      this.entries.push(entry);
      this.written.push(f);
    };
  }

  async addBuffer(path: string, data: Buffer): Promise<WrittenFile> {
    const e = this.entry(path);
    await e.write(data);
    return e.end();
  }

  async finish(): Promise<void> {
    if (this.open) throw new Error(`${this.open.path} was not ended`);
    const start = this.at;
    const timestamp = Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(this.mtime.getTime() / 1000)));
    for (const e of this.entries) {
      const big = this.zip64(e);
      const fixed = Buffer.alloc(46);
      // The Info-ZIP universal timestamp (UTC mtime), as yazl wrote it.
      const ut = Buffer.alloc(9);
      ut.writeUInt16LE(0x5455, 0);
      ut.writeUInt16LE(5, 2);
      ut.writeUInt8(3, 4);
      ut.writeInt32LE(timestamp, 5);
      const z64 = Buffer.alloc(big ? 28 : 0);
      if (big) {
        z64.writeUInt16LE(0x0001, 0);
        z64.writeUInt16LE(24, 2);
        u64(z64, e.uncompressed, 4);
        u64(z64, e.compressed, 12);
        u64(z64, e.offset, 20);
      }
      fixed.writeUInt32LE(0x02014b50, 0);
      fixed.writeUInt16LE(VERSION_MADE_BY, 4);
      fixed.writeUInt16LE(big ? VERSION_ZIP64 : VERSION_UTF8, 6);
      fixed.writeUInt16LE(UTF8_NAME | DATA_DESCRIPTOR, 8);
      fixed.writeUInt16LE(DEFLATE, 10);
      fixed.writeUInt16LE(this.dos.time, 12);
      fixed.writeUInt16LE(this.dos.date, 14);
      fixed.writeUInt32LE(e.crc, 16);
      fixed.writeUInt32LE(big ? 0xffffffff : e.compressed, 20);
      fixed.writeUInt32LE(big ? 0xffffffff : e.uncompressed, 24);
      fixed.writeUInt16LE(e.name.length, 28);
      fixed.writeUInt16LE(ut.length + z64.length, 30);
      fixed.writeUInt32LE((MODE << 16) >>> 0, 38);
      fixed.writeUInt32LE(big ? 0xffffffff : e.offset, 42);
      this.append(Buffer.concat([fixed, e.name, ut, z64]));
    }
    const size = this.at - start;
    const needs64 = this.entries.length >= 0xffff || size > this.zip64Above || start > this.zip64Above;
    if (needs64) {
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(0x06064b50, 0);
      u64(rec, 44, 4);
      rec.writeUInt16LE(VERSION_MADE_BY, 12);
      rec.writeUInt16LE(VERSION_ZIP64, 14);
      u64(rec, this.entries.length, 24);
      u64(rec, this.entries.length, 32);
      u64(rec, size, 40);
      u64(rec, start, 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      u64(locator, this.at, 8);
      locator.writeUInt32LE(1, 16);
      this.append(Buffer.concat([rec, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(needs64 ? 0xffff : this.entries.length, 8);
    end.writeUInt16LE(needs64 ? 0xffff : this.entries.length, 10);
    end.writeUInt32LE(needs64 ? 0xffffffff : size, 12);
    end.writeUInt32LE(needs64 ? 0xffffffff : start, 16);
    this.append(end);
    const fd = this.fd!;
    this.fd = null;
    closeSync(fd);
    await Promise.resolve();
  }

  /** Stops writing; the caller removes the file. */
  abort(reason: Error): void {
    this.fail(reason);
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      try {
        closeSync(fd);
      } catch {
        // already failed; the caller removes the file
      }
    }
  }
}

/** An entry written aside (ZipBundleWriter.spool): place() copies it into the bundle, remove() drops it. */
export interface SpooledEntry {
  writer: ZipEntryWriter;
  place(): void;
  remove(): void;
}

export class ZipEntryWriter {
  private readonly hash = createHash('sha256');
  private crc = 0;
  private bytes = 0;
  private compressed = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private sinceYield = 0;

  constructor(
    readonly path: string,
    private readonly sink: (deflated: Uint8Array) => void,
    private readonly check: () => void,
    private readonly onEnd: (e: Pick<Entry, 'crc' | 'compressed' | 'uncompressed'>, f: WrittenFile) => void,
  ) {}

  /** Buffers small strings into larger chunks. */
  async text(s: string): Promise<void> {
    this.textNow(s);
    await this.drained();
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
    this.deflateHere(data);
  }

  /** Bytes handed to the entry so far. */
  get bytesWritten(): number {
    return this.bytes + Buffer.byteLength(this.pending.join(''), 'utf8');
  }

  /** Hashes and deflates here, without waiting (pdfkit produces its output synchronously). */
  writeNow(data: Uint8Array): void {
    this.flushNow(); // text buffered before goes first
    this.deflateHere(data);
  }

  private deflateHere(data: Uint8Array): void {
    for (let at = 0; at < data.length; at += CHUNK) {
      const part = data.subarray(at, Math.min(at + CHUNK, data.length));
      this.take({ raw: part, deflated: deflateChunk(part) });
    }
  }

  /** A chunk formatted and deflated elsewhere (a worker): its bytes are hashed and its deflate appended. */
  take(f: Chunk): void {
    if (f.raw.length === 0) return;
    this.flushNow();
    this.hash.update(f.raw);
    this.crc = crc32(f.raw, this.crc);
    this.bytes += f.raw.length;
    this.sink(f.deflated);
    this.compressed += f.deflated.length;
    this.sinceYield += f.raw.length;
  }

  /** Lets the event loop run (progress, a cancel) once a few MiB have been written since the last time. */
  async drained(): Promise<void> {
    if (this.sinceYield < 4 * CHUNK) return;
    this.sinceYield = 0;
    await new Promise<void>((r) => setImmediate(r));
    this.check();
  }

  async write(data: Buffer): Promise<void> {
    this.writeNow(data);
    await this.drained();
  }

  async end(): Promise<WrittenFile> {
    this.flushNow();
    this.sink(FINAL_BLOCK);
    this.compressed += FINAL_BLOCK.length;
    const f = { path: this.path, sha256: this.hash.digest('hex'), bytes: this.bytes };
    this.onEnd({ crc: this.crc, compressed: this.compressed, uncompressed: this.bytes }, f);
    await Promise.resolve();
    return f;
  }
}
