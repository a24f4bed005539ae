import { createHash, randomBytes, sign } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../src-shared/result';
import { canonicalJson } from '../audit/canonical-json';
import type { ReadableDB } from '../store/db';
import {
  BundleSource,
  Tally,
  writeAuditJsonl,
  writeCaseFiles,
  writeCorrespondence,
  writeIvms101Versions,
  writeNotesCsv,
  writeDecisionsCsv,
  writePurgedCsv,
  writeReportPdf,
  resolvePdfMode,
  type AuditRange,
  type Counts,
  type PdfMode,
  type Phase,
} from './sections';
import type { ExportSelection } from './selection';
import type { SigningKey } from './signing-key';
import type { PdfLaneFault } from './pdf-lane';
import { FormatPool } from './pool';
import { ZipBundleWriter, type WrittenFile } from './zip-writer';

// One export = one ZIP, built from a consistent snapshot of the case database (a read transaction
// on a connection of its own), written to a hidden temporary file beside the target and renamed
// into place only when complete and signed. Cancelled or failed, the temporary file is removed.

export const EXPORT_FORMAT = 'waybill-audit-export/1';

/** The export connection's page cache, in KiB (see createExport). */
export const EXPORT_CACHE_KIB = 4096;

export interface ExportProgress {
  phase: Phase;
  done: number;
  total: number;
}

export interface ExportOptions {
  selection: ExportSelection;
  out: string;
  key: SigningKey;
  software: { name: string; version: string };
  homeJurisdiction: string;
  /** What report.pdf holds; left out, the summary above PER_CASE_PDF_MAX_CASES cases, per-case below. */
  pdf?: PdfMode | null;
  now?: Date;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /**
   * Worker threads that format and deflate (export/pool.ts); left out, one per core. 0: all on this
   * thread, the report's layout too (else on a worker of its own, export/pdf-lane.ts).
   */
  workers?: number;
  /** Tests only: makes the report's worker fail (export/pdf-lane.ts). */
  pdfFault?: PdfLaneFault;
}

export interface ExportResult {
  out: string;
  publicKeyFile: string;
  manifestSha256: string;
  fingerprint: string;
  counts: Manifest['counts'];
  pdf: PdfMode;
  /** Worker threads that formatted and deflated the large files (0: this thread did). */
  workers: number;
}

export interface Manifest {
  format: string;
  createdAt: string;
  software: { name: string; version: string };
  workstation: { publicKeyFingerprint: string; homeJurisdiction: string };
  selection: ExportSelection;
  counts: Counts;
  audit: AuditRange;
  /** What report.pdf holds, as chosen (by the analyst, or by size). */
  report: { file: 'report.pdf'; pdf: PdfMode };
  files: WrittenFile[];
  signature: { algorithm: 'Ed25519'; file: 'manifest.sig'; publicKey: 'public-key.pem'; signs: 'manifest.json' };
}

/** The public key's file beside a bundle: what a regulator is given through a second channel. */
export function publicKeyFileFor(out: string): string {
  return `${out}.pub.pem`;
}

export async function createExport(db: ReadableDB, o: ExportOptions): Promise<ExportResult> {
  const now = o.now ?? new Date();
  if (existsSync(o.out))
    throw new AppError('conflict', `${o.out} already exists; choose another name (an export never overwrites one).`);
  if (!existsSync(dirname(o.out))) throw new AppError('invalid_input', `${dirname(o.out)} does not exist.`);
  const tmp = join(dirname(o.out), `.${basename(o.out)}.${randomBytes(6).toString('hex')}.partial`);
  const zip = new ZipBundleWriter(tmp, now);
  const onAbort = () => zip.abort(new AppError('cancelled', 'The export was cancelled.'));
  o.signal?.addEventListener('abort', onAbort);
  try {
    // The snapshot's page cache: SQLite's default here is 16 MB; the export reads each page about once,
    // in id order, so a few MiB keep the indexes' upper pages and the rest is memory (issue 21's peak RSS).
    db.pragma(`cache_size = ${-EXPORT_CACHE_KIB}`);
    db.prepare('BEGIN').run(); // one snapshot for every pass: all files describe the same moment
    try {
      const result = await writeBundle(db, zip, o, now);
      await zip.finish();
      renameSync(tmp, o.out);
      writeFileSync(publicKeyFileFor(o.out), o.key.publicKeyPem, { flag: 'w' });
      return { ...result, out: o.out, publicKeyFile: publicKeyFileFor(o.out) };
    } finally {
      db.prepare('COMMIT').run();
    }
  } catch (e) {
    zip.abort(e instanceof Error ? e : new Error(String(e)));
    rmSync(tmp, { force: true });
    if (o.signal?.aborted) throw new AppError('cancelled', 'The export was cancelled; no file was left behind.');
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function writeBundle(
  db: ReadableDB,
  zip: ZipBundleWriter,
  o: ExportOptions,
  now: Date,
): Promise<Omit<ExportResult, 'out' | 'publicKeyFile'>> {
  const pool = new FormatPool(o.workers);
  try {
    const src = new BundleSource(
      db,
      o.selection,
      o.signal,
      (phase, done, total) => o.onProgress?.({ phase, done, total }),
      pool,
    );
    return await writeFiles(src, zip, o, now, pool);
  } finally {
    await pool.close();
  }
}

async function writeFiles(
  src: BundleSource,
  zip: ZipBundleWriter,
  o: ExportOptions,
  now: Date,
  pool: FormatPool,
): Promise<Omit<ExportResult, 'out' | 'publicKeyFile'>> {
  const tally = new Tally();
  const pdf = resolvePdfMode(o.pdf, src.total);
  const spools = await writeCaseFiles(src, zip, tally, (name) => `${zip.path}.${name}`);
  try {
    o.onProgress?.({ phase: 'cases.jsonl', done: src.total, total: src.total });
    spools.casesJsonl.place();
    await writeDecisionsCsv(src, zip, tally);
    o.onProgress?.({ phase: 'evaluations.jsonl', done: src.total, total: src.total });
    spools.evaluationsJsonl.place();
  } finally {
    spools.casesJsonl.remove();
    spools.evaluationsJsonl.remove();
  }
  await writeCorrespondence(src, zip);
  await writeIvms101Versions(src, zip);
  await writeNotesCsv(src, zip);
  await writePurgedCsv(src, zip);
  const audit = await writeAuditJsonl(src, zip);
  // Read once the files are written (a worker that could not start left its batches to this thread);
  // then the format workers go, idle from here on: the report's own worker takes their place.
  const workers = pool.size;
  await pool.close();
  await writeReportPdf(
    src,
    zip,
    tally,
    {
      now,
      software: o.software,
      fingerprint: o.key.fingerprint,
      homeJurisdiction: o.homeJurisdiction,
      pdf,
      audit,
      files: [...zip.written],
    },
    { inline: workers === 0, fault: o.pdfFault },
  );
  const counts = src.counts;

  o.onProgress?.({ phase: 'signing', done: 0, total: 1 });
  await zip.addBuffer('public-key.pem', Buffer.from(o.key.publicKeyPem, 'utf8'));
  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    createdAt: now.toISOString(),
    software: o.software,
    workstation: { publicKeyFingerprint: o.key.fingerprint, homeJurisdiction: o.homeJurisdiction },
    selection: o.selection,
    counts,
    audit,
    report: { file: 'report.pdf', pdf },
    files: [...zip.written],
    signature: { algorithm: 'Ed25519', file: 'manifest.sig', publicKey: 'public-key.pem', signs: 'manifest.json' },
  };
  const manifestBytes = Buffer.from(manifestJson(manifest), 'utf8');
  const signature = sign(null, manifestBytes, o.key.privateKey);
  await zip.addBuffer('manifest.json', manifestBytes);
  await zip.addBuffer('manifest.sig', signature);
  o.onProgress?.({ phase: 'signing', done: 1, total: 1 });
  return {
    manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
    fingerprint: o.key.fingerprint,
    counts,
    pdf,
    workers,
  };
}

/**
 * Pretty-printed, keys sorted, one file per line: readable in any editor, and a shell can pull
 * "path" and "sha256" off each line for `sha256sum -c` (the README shows how).
 */
export function manifestJson(m: Manifest): string {
  const { files, ...rest } = m;
  const sorted = JSON.parse(canonicalJson(rest)) as Record<string, unknown>;
  const body = JSON.stringify(sorted, null, 2).replace(/\n}$/, '');
  const fileLines = files.map((f) => `    ${canonicalJson(f).replace(/":/g, '": ').replace(/,"/g, ', "')}`).join(',\n');
  return `${body},\n  "files": [\n${fileLines}\n  ]\n}\n`;
}
