import { createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../../src-shared/result';
import { eventHash, GENESIS_HASH } from '../audit/chain';
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

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private n = 0;
  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}
  push(chunk: Buffer): void {
    const parts = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p, ++this.n);
  }
  end(): void {
    const last = this.rest + this.decoder.end();
    if (last) this.onLine(last, ++this.n);
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
    const header = { seq, actor: e.actor as string, action: e.action as string, caseId: (e.caseId as string | null) ?? null, at: e.at as string, payloadDigest: e.payloadDigest as string };
    if (eventHash(prevHash, header) !== e.hash) {
      this.problem = `line ${lineNo} (event ${seq}): its content does not match its hash`;
      return;
    }
    this.lastHash = e.hash as string;
    this.expectedSeq = seq + 1;
    this.events++;
  }
}

export async function verifyExport(bundle: string, opts: { publicKeyPem?: string } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const hashes = new Map<string, { sha256: string; bytes: number }>();
  const small = new Map<string, Buffer>();
  const audit = new AuditStretchChecker();
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bundle);
  } catch (e) {
    throw new AppError('invalid_input', `${bundle}: not a readable ZIP bundle (${(e as Error).message}).`);
  }
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entry.fileName;
        if (hashes.has(name)) problems.push({ file: name, problem: 'appears twice in the ZIP' });
        const hash = createHash('sha256');
        let bytes = 0;
        const keep: Buffer[] = [];
        try {
          const stream = await entryStream(zip, entry);
          const lines = name === 'audit.jsonl' ? new LineSplitter((l, n) => audit.line(l, n)) : null;
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            hash.update(chunk);
            bytes += chunk.length;
            lines?.push(chunk);
            if (SMALL.has(name) && bytes <= SMALL_LIMIT) keep.push(chunk);
          }
          lines?.end();
          hashes.set(name, { sha256: hash.digest('hex'), bytes });
          if (SMALL.has(name)) {
            if (bytes > SMALL_LIMIT) problems.push({ file: name, problem: `is ${bytes} bytes, far larger than it can legitimately be` });
            else small.set(name, Buffer.concat(keep));
          }
        } catch (e) {
          problems.push({ file: name, problem: `cannot be read from the ZIP: ${(e as Error).message}` });
        }
        zip.readEntry();
      })();
    });
    zip.readEntry();
  }).catch((e: Error) => problems.push({ file: bundle, problem: `the ZIP is damaged: ${e.message}` }));

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
    if (bundled && keyFingerprint(bundled) !== keyFingerprint(key)) problems.push({ file: 'public-key.pem', problem: 'is not the public key you gave: the bundle was signed by another workstation, or this file was changed' });
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
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.files)) throw new Error(`not a ${EXPORT_FORMAT} manifest`);
  } catch (e) {
    problems.push({ file: 'manifest.json', problem: `cannot be read: ${(e as Error).message}` });
    return report({ fingerprint });
  }
  if (key && manifest.workstation?.publicKeyFingerprint !== keyFingerprint(key)) {
    problems.push({ file: opts.publicKeyPem ? 'manifest.json' : 'public-key.pem', problem: `names key ${manifest.workstation?.publicKeyFingerprint} but the key is ${keyFingerprint(key)}` });
  }

  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const got = hashes.get(f.path);
    if (!got) problems.push({ file: f.path, problem: 'is listed in the manifest but missing from the bundle' });
    else if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) problems.push({ file: f.path, problem: `its SHA-256 is ${got.sha256}, the manifest says ${f.sha256}: the file was changed` });
  }
  for (const [name, got] of hashes) {
    if (!listed.has(name) && name !== 'manifest.json' && name !== 'manifest.sig') problems.push({ file: name, problem: 'is in the bundle but not in the manifest' });
    // An e-mail attachment is named by its SHA-256: it must hash to its own name as well.
    if (name.startsWith('attachments/') && got.sha256 !== name.slice('attachments/'.length)) problems.push({ file: name, problem: `its SHA-256 is ${got.sha256}, not the one its name gives` });
  }

  // The audit chain: intact in itself, and the stretch the manifest says it is.
  if (hashes.has('audit.jsonl')) {
    if (audit.problem) problems.push({ file: 'audit.jsonl', problem: `the hash chain is broken at ${audit.problem}` });
    else if (manifest.audit) {
      const a = manifest.audit;
      if (audit.first?.seq !== a.fromSeq || audit.first.prevHash !== a.prevHashOfFirst || audit.lastHash !== a.lastHash || audit.events !== a.toSeq - a.fromSeq + 1) {
        problems.push({ file: 'audit.jsonl', problem: `holds events ${audit.first?.seq ?? '-'}–${audit.first ? audit.first.seq + audit.events - 1 : '-'}, the manifest says ${a.fromSeq}–${a.toSeq} ending in ${a.lastHash.slice(0, 12)}…` });
      }
    }
  }

  return report({ fingerprint, manifest: { createdAt: manifest.createdAt, selection: manifest.selection, counts: manifest.counts, software: manifest.software } });
}
