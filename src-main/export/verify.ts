import { createHash, verify as verifySignature, type Hash, type KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../../src-shared/result';
import { eventHash, GENESIS_HASH } from '../audit/chain';
import { readJsonLines } from '../input/json-lines';
import { parseJsonBounded } from '../input/limits';
import { EXPORT_FORMAT, type Manifest } from './create';
import { keyFingerprint, readPublicKey } from './signing-key';

// Checks a bundle with nothing but the bundle (and, ideally, the public key from a second channel):
// the signature over manifest.json, every file's SHA-256 against the manifest, no file missing or
// added, and the audit stretch's hash chain. Every problem names the file it concerns.

export interface VerifyProblem {
  file: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  problems: VerifyProblem[];
  keySource: 'given' | 'bundle';
  fingerprint: string | null;
  files: number;
  auditEvents: number;
  manifest: Pick<Manifest, 'createdAt' | 'selection' | 'counts' | 'software'> | null;
}

const SMALL = new Set(['manifest.json', 'manifest.sig', 'public-key.pem']);
const SMALL_LIMIT = 1024 * 1024;
/** More entries than a manifest of at most SMALL_LIMIT bytes could ever list: the bundle is not read. */
export const MAX_ENTRIES = 100_000;

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // Not autoClose: entries are read in an order of our choosing (the manifest first), after listing them all.
    yauzl.open(
      path,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    ),
  );
}

/** The central directory only: nothing is inflated here. */
function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('error', reject);
    zip.on('end', () => resolve(entries));
    zip.on('entry', (e: yauzl.Entry) => {
      if (entries.push(e) > MAX_ENTRIES) return reject(new Error(`it holds more than ${MAX_ENTRIES} entries`));
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

class TooLarge extends Error {}

/**
 * An entry's bytes, hashed as they inflate, stopped the moment they pass `limit`: a ZIP bomb costs
 * at most `limit` bytes of work, never what its header or its deflate stream claims.
 */
async function* inflateBounded(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  limit: number,
  hash: Hash,
  seen: { bytes: number },
): AsyncGenerator<Buffer> {
  const stream = await entryStream(zip, entry);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen.bytes += chunk.length;
      if (seen.bytes > limit) throw new TooLarge();
      hash.update(chunk);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

/** Follows the audit stretch line by line, so a bundle of any size verifies in bounded memory. */
class AuditStretchChecker {
  events = 0;
  first: { seq: number; prevHash: string } | null = null;
  lastHash = '';
  private expectedSeq = 0;
  problem: string | null = null;

  line(text: string, lineNo: number): void {
    if (this.problem || text === '') return;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.problem = `line ${lineNo} is not JSON`;
      return;
    }
    const seq = e.seq as number;
    const prevHash = e.prevHash as string;
    if (!this.first) {
      this.first = { seq, prevHash };
      if (seq === 1 && prevHash !== GENESIS_HASH) {
        this.problem = `line ${lineNo} (event ${seq}): the first event must link to the genesis hash`;
        return;
      }
    } else if (seq !== this.expectedSeq) {
      this.problem = `line ${lineNo}: expected event ${this.expectedSeq}, found ${String(seq)} (an event is missing or out of order)`;
      return;
    } else if (prevHash !== this.lastHash) {
      this.problem = `line ${lineNo} (event ${seq}): its link to the previous event does not match`;
      return;
    }
    const payload = e.payload as string | null;
    if (payload !== null && createHash('sha256').update(payload, 'utf8').digest('hex') !== e.payloadDigest) {
      this.problem = `line ${lineNo} (event ${seq}): its payload does not match its digest`;
      return;
    }
    const header = {
      seq,
      actor: e.actor as string,
      action: e.action as string,
      caseId: (e.caseId as string | null) ?? null,
      at: e.at as string,
      payloadDigest: e.payloadDigest as string,
    };
    if (eventHash(prevHash, header) !== e.hash) {
      this.problem = `line ${lineNo} (event ${seq}): its content does not match its hash`;
      return;
    }
    this.lastHash = e.hash as string;
    this.expectedSeq = seq + 1;
    this.events++;
  }
}

/**
 * What the ZIP reader found wrong, in words: yauzl's own are kept but one, "unexpected EOF" (a record the
 * ZIP's directory points to lies past the file's end), which reads like a parser's crash, not a finding
 * (the hostile-input fuzz test, 1 Dec 2026: bytes flipped in a bundle's central directory).
 */
function zipProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message === 'unexpected EOF'
    ? 'the file ends before a record its ZIP directory points to: cut short or damaged'
    : message;
}

export async function verifyExport(bundle: string, opts: { publicKeyPem?: string } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const hashes = new Map<string, { sha256: string; bytes: number }>();
  const small = new Map<string, Buffer>();
  const audit = new AuditStretchChecker();
  /** Entries refused or unreadable: their problem is named already, not again as "missing". */
  const refused = new Set<string>();
  let zip: yauzl.ZipFile;
  let entries: yauzl.Entry[];
  try {
    zip = await openZip(bundle);
  } catch (e) {
    throw new AppError('invalid_input', `${bundle}: not a readable ZIP bundle (${zipProblem(e)}).`);
  }
  try {
    try {
      entries = await listEntries(zip);
    } catch (e) {
      throw new AppError('invalid_input', `${bundle}: not a readable ZIP bundle (${zipProblem(e)}).`);
    }
    const byName = new Map<string, yauzl.Entry>();
    for (const entry of entries) {
      if (byName.has(entry.fileName)) problems.push({ file: entry.fileName, problem: 'appears twice in the ZIP' });
      else byName.set(entry.fileName, entry);
    }

    /** Hashes one entry within `limit` bytes; audit.jsonl is also followed line by line as it passes. */
    const read = async (entry: yauzl.Entry, limit: number, keep: boolean): Promise<void> => {
      const name = entry.fileName;
      // The central directory's own claim is checked before anything is inflated, and yauzl holds
      // the stream to that claim (validateEntrySizes) while inflating.
      if (entry.uncompressedSize > limit) {
        refused.add(name);
        problems.push({
          file: name,
          problem: `unpacks to ${entry.uncompressedSize} bytes, more than the ${limit} bytes ${SMALL.has(name) ? 'such a file can legitimately be' : 'the manifest declares'}; not unpacked`,
        });
        return;
      }
      const hash = createHash('sha256');
      const seen = { bytes: 0 };
      const kept: Buffer[] = [];
      try {
        const chunks = inflateBounded(zip, entry, limit, hash, seen);
        if (name === 'audit.jsonl') {
          for await (const l of readJsonLines(chunks)) {
            if (l.ok) audit.line(l.text, l.line);
            else audit.problem ??= `line ${l.line} (${l.reason})`;
          }
        } else for await (const chunk of chunks) if (keep) kept.push(chunk);
        hashes.set(name, { sha256: hash.digest('hex'), bytes: seen.bytes });
        if (keep) small.set(name, Buffer.concat(kept));
      } catch (e) {
        refused.add(name);
        if (e instanceof TooLarge)
          problems.push({
            file: name,
            problem: `unpacks to more than the ${limit} bytes ${SMALL.has(name) ? 'such a file can legitimately be' : 'the manifest declares'}; stopped there`,
          });
        else problems.push({ file: name, problem: `cannot be read from the ZIP: ${zipProblem(e)}` });
      }
    };

    // The small files first: the manifest says how large every other entry may be.
    for (const name of SMALL) {
      const entry = byName.get(name);
      if (entry) await read(entry, SMALL_LIMIT, true);
    }
    const declared = new Map<string, number>();
    const manifestText = small.get('manifest.json');
    const parsed = manifestText ? parseJsonBounded(manifestText.toString('utf8')) : null;
    if (parsed?.ok) {
      const files = (parsed.value as Partial<Manifest> | null)?.files;
      if (Array.isArray(files))
        for (const f of files as unknown[]) {
          const { path, bytes } = (f ?? {}) as { path?: unknown; bytes?: unknown };
          if (typeof path === 'string' && typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= 0)
            declared.set(path, bytes);
        }
    }
    for (const entry of byName.values()) {
      if (SMALL.has(entry.fileName)) continue;
      const limit = declared.get(entry.fileName);
      // Not in the manifest (or no manifest to read): reported below, never unpacked.
      if (limit !== undefined) await read(entry, limit, false);
      else if (!hashes.has(entry.fileName)) hashes.set(entry.fileName, { sha256: '', bytes: entry.uncompressedSize });
    }
  } finally {
    zip.close();
  }

  const report = (extra: Partial<VerifyReport> = {}): VerifyReport => ({
    ok: problems.length === 0,
    problems,
    keySource: opts.publicKeyPem ? 'given' : 'bundle',
    fingerprint: null,
    files: hashes.size,
    auditEvents: audit.events,
    manifest: null,
    ...extra,
  });

  // The key: the one given (from a second channel) is what trust rests on; the bundle's copy must match it.
  let key: KeyObject | null = null;
  const bundledPem = small.get('public-key.pem');
  let bundled: KeyObject | null = null;
  if (!bundledPem) problems.push({ file: 'public-key.pem', problem: 'is missing from the bundle' });
  else {
    try {
      bundled = readPublicKey(bundledPem.toString('utf8'), 'public-key.pem');
    } catch (e) {
      problems.push({ file: 'public-key.pem', problem: (e as Error).message.replace(/^public-key\.pem: /, '') });
    }
  }
  if (opts.publicKeyPem) {
    key = readPublicKey(opts.publicKeyPem, 'the given public key');
    if (bundled && keyFingerprint(bundled) !== keyFingerprint(key))
      problems.push({
        file: 'public-key.pem',
        problem:
          'is not the public key you gave: the bundle was signed by another workstation, or this file was changed',
      });
  } else key = bundled;
  const fingerprint = key ? keyFingerprint(key) : null;

  const manifestBytes = small.get('manifest.json');
  const sig = small.get('manifest.sig');
  if (!manifestBytes) {
    problems.push({ file: 'manifest.json', problem: 'is missing from the bundle' });
    return report({ fingerprint });
  }
  if (!sig) problems.push({ file: 'manifest.sig', problem: 'is missing from the bundle' });
  else if (key && !verifySignature(null, manifestBytes, key, sig)) {
    problems.push({
      file: 'manifest.json',
      problem: `with manifest.sig: the Ed25519 signature does not verify with key ${fingerprint ?? '?'} (manifest.json or manifest.sig was changed, or another key signed it)`,
    });
  }

  let manifest: Manifest;
  try {
    const parsed = parseJsonBounded(manifestBytes.toString('utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    manifest = parsed.value as Manifest;
    if (manifest?.format !== EXPORT_FORMAT || !Array.isArray(manifest.files))
      throw new Error(`not a ${EXPORT_FORMAT} manifest`);
    // Every field read below has the type it claims: a forged manifest is named, never a TypeError.
    const bad = manifest.files.findIndex((f: unknown) => {
      const x = f as Partial<Manifest['files'][number]> | null;
      return !x || typeof x.path !== 'string' || typeof x.sha256 !== 'string' || typeof x.bytes !== 'number';
    });
    if (bad >= 0) throw new Error(`files[${bad}] is not a path with its sha256 and bytes`);
    const a = manifest.audit as Partial<NonNullable<Manifest['audit']>> | null | undefined;
    if (
      a &&
      (typeof a.fromSeq !== 'number' ||
        typeof a.toSeq !== 'number' ||
        typeof a.prevHashOfFirst !== 'string' ||
        typeof a.lastHash !== 'string')
    )
      throw new Error('its audit member is not a stretch of the chain');
  } catch (e) {
    problems.push({ file: 'manifest.json', problem: `cannot be read: ${(e as Error).message}` });
    return report({ fingerprint });
  }
  if (key && manifest.workstation?.publicKeyFingerprint !== keyFingerprint(key)) {
    problems.push({
      file: opts.publicKeyPem ? 'manifest.json' : 'public-key.pem',
      problem: `names key ${manifest.workstation?.publicKeyFingerprint} but the key is ${keyFingerprint(key)}`,
    });
  }

  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const got = hashes.get(f.path);
    if (refused.has(f.path)) continue;
    if (!got) problems.push({ file: f.path, problem: 'is listed in the manifest but missing from the bundle' });
    else if (got.sha256 !== f.sha256 || got.bytes !== f.bytes)
      problems.push({
        file: f.path,
        problem: `its SHA-256 is ${got.sha256}, the manifest says ${f.sha256}: the file was changed`,
      });
  }
  for (const [name, got] of hashes) {
    if (!listed.has(name) && name !== 'manifest.json' && name !== 'manifest.sig')
      problems.push({ file: name, problem: 'is in the bundle but not in the manifest' });
    // An e-mail attachment is named by its SHA-256: it must hash to its own name as well.
    if (name.startsWith('attachments/') && listed.has(name) && got.sha256 !== name.slice('attachments/'.length))
      problems.push({ file: name, problem: `its SHA-256 is ${got.sha256}, not the one its name gives` });
  }

  // The audit chain: intact in itself, and the stretch the manifest says it is.
  if (hashes.has('audit.jsonl')) {
    if (audit.problem) problems.push({ file: 'audit.jsonl', problem: `the hash chain is broken at ${audit.problem}` });
    else if (manifest.audit) {
      const a = manifest.audit;
      if (
        audit.first?.seq !== a.fromSeq ||
        audit.first.prevHash !== a.prevHashOfFirst ||
        audit.lastHash !== a.lastHash ||
        audit.events !== a.toSeq - a.fromSeq + 1
      ) {
        problems.push({
          file: 'audit.jsonl',
          problem: `holds events ${audit.first?.seq ?? '-'}–${audit.first ? audit.first.seq + audit.events - 1 : '-'}, the manifest says ${a.fromSeq}–${a.toSeq} ending in ${a.lastHash.slice(0, 12)}…`,
        });
      }
    }
  }

  return report({
    fingerprint,
    manifest: {
      createdAt: manifest.createdAt,
      selection: manifest.selection,
      counts: manifest.counts,
      software: manifest.software,
    },
  });
}
