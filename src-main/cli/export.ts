import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../src-shared/result';
import type { Workstation } from '../app/workstation';
import type { PdfMode } from '../export/sections';
import { parseSelection } from '../export/selection';
import { verifyExport } from '../export/verify';
import type { PurgeReport } from '../retention/purge';
import { UsageError } from './passphrase';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

export const EXPORT_CREATE_USAGE =
  'waybill export create --data-dir D --from YYYY-MM-DD --to YYYY-MM-DD [--jurisdiction CC] [--direction withdrawal|deposit] [--status S] [--pdf summary|per-case] --out FILE.zip';

export async function exportCreate(
  ws: Workstation,
  o: {
    from?: string;
    to?: string;
    jurisdiction?: string;
    direction?: string;
    status?: string;
    out?: string;
    pdf?: PdfMode | null;
  },
  out: Out,
): Promise<number> {
  if (!o.from || !o.to || !o.out) throw new UsageError(EXPORT_CREATE_USAGE);
  const selection = parseSelection({
    from: o.from,
    to: o.to,
    jurisdiction: o.jurisdiction?.toUpperCase() ?? null,
    direction: o.direction ?? null,
    status: o.status ?? null,
  });
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  let lastPhase = '';
  try {
    const r = await ws.createExport(selection, resolve(o.out), {
      signal: controller.signal,
      pdf: o.pdf ?? null,
      onProgress: (p) => {
        if (p.phase !== lastPhase) out.stderr(`  ${p.phase}…\n`);
        lastPhase = p.phase;
      },
    });
    out.stdout(
      `Export written: ${r.out}\n` +
        `  ${r.counts.cases} cases, ${r.counts.decisions} decisions, ${r.counts.evaluations} evaluations, ${r.counts.purged} purged, ${r.counts.auditEvents} audit events\n` +
        `  report.pdf: ${r.pdf === 'summary' ? 'summary (every case is in the machine-readable files)' : 'summary and one section per case'}${o.pdf ? '' : ' (chosen by size; --pdf summary|per-case chooses)'}\n` +
        `  manifest SHA-256 ${r.manifestSha256}\n` +
        `  signed by ${r.fingerprint}\n` +
        `Public key: ${r.publicKeyFile} (give it to the recipient through a second channel)\n`,
    );
    return 0;
  } finally {
    process.off('SIGINT', cancel);
  }
}

export async function exportVerify(
  bundle: string | undefined,
  publicKey: string | undefined,
  json: boolean,
  out: Out,
): Promise<number> {
  if (!bundle) throw new UsageError('waybill export verify BUNDLE.zip [--public-key KEY.pem]');
  if (!existsSync(bundle)) throw new UsageError(`No such file: ${bundle}`);
  if (publicKey && !existsSync(publicKey)) throw new UsageError(`No such file: ${publicKey}`);
  let r: Awaited<ReturnType<typeof verifyExport>>;
  try {
    r = await verifyExport(bundle, publicKey ? { publicKeyPem: readFileSync(publicKey, 'utf8') } : {});
  } catch (e) {
    // Not a ZIP, or cut short: an input error (exit 2), said in one line, never a stack trace.
    if (!(e instanceof AppError)) throw e;
    if (json) out.stdout(JSON.stringify({ ok: false, unreadable: true, reason: e.message }) + '\n');
    else out.stderr(`waybill: ${e.message}\n`);
    return 2;
  }
  if (json) out.stdout(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) {
    out.stdout(
      `OK: ${bundle}\n` +
        `  signature verified with ${r.fingerprint} (${r.keySource === 'given' ? 'the key you gave' : 'the key inside the bundle: compare its fingerprint with the one the sender gave you, or pass --public-key'})\n` +
        `  ${r.files} files match the manifest; audit stretch of ${r.auditEvents} events chains intact\n` +
        `  ${r.manifest?.counts.cases ?? 0} cases from ${r.manifest?.selection.from} to ${r.manifest?.selection.to}, created ${r.manifest?.createdAt} by ${r.manifest?.software.name} ${r.manifest?.software.version}\n`,
    );
  } else {
    out.stdout(`FAILED: ${bundle}\n`);
    for (const p of r.problems) out.stdout(`  ${p.file}: ${p.problem}\n`);
  }
  return r.ok ? 0 : 1;
}

export function printPurge(r: PurgeReport, out: Out): number {
  const verb = r.dryRun ? 'Would purge' : 'Purged';
  out.stdout(`${verb} ${r.purged.length} case(s) whose retention ended by ${r.today}.\n`);
  for (const p of r.purged) out.stdout(`  ${p.caseId}${p.removedDigest ? `  removed ${p.removedDigest}` : ''}\n`);
  if (r.held.length) out.stdout(`Kept on legal hold: ${r.held.map((h) => h.caseId).join(', ')}\n`);
  if (r.unsynced.length)
    out.stdout(`Kept until their decision reaches the backend: ${r.unsynced.map((h) => h.caseId).join(', ')}\n`);
  return 0;
}
