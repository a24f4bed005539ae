import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { evaluateCompleteness } from '../ivms101/completeness';
import { ruleSetsFor } from '../rules/rule-sets';
import { defaultRulePack } from '../rules/pack';
import { readIvms101Text } from '../ivms101/engine';
import { writeEdition } from '../ivms101/model';
import type { Problem } from '../ivms101/problems';
import { decodeUtf8, MAX_LINE_BYTES } from '../input/limits';
import type { Form } from '../ivms101/read';
import { UsageError } from './passphrase';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

/**
 * The document as text, or why it cannot be read: larger than MAX_LINE_BYTES (refused before it is
 * read into memory) or not UTF-8 (named by byte offset). A UTF-8 BOM at the start is accepted.
 */
function readFile(file: string): { ok: true; text: string } | { ok: false; reason: string } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new UsageError(`Cannot read ${file}.`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_LINE_BYTES)
      return {
        ok: false,
        reason: `the file is ${size} bytes, larger than the limit of ${MAX_LINE_BYTES} bytes for an IVMS101 document`,
      };
    const buf = Buffer.alloc(size);
    let got = 0;
    for (let n = -1; n !== 0 && got < size; got += n) n = readSync(fd, buf, got, size - got, null);
    const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const decoded = decodeUtf8(buf.subarray(bom, got));
    return decoded.ok
      ? decoded
      : { ok: false, reason: `not valid UTF-8 at byte ${bom + decoded.offset + 1} of the file` };
  } catch {
    throw new UsageError(`Cannot read ${file}.`);
  } finally {
    closeSync(fd);
  }
}

function readDocument(file: string) {
  const text = readFile(file);
  return text.ok ? readIvms101Text(text.text) : text;
}

const FORM_LABEL: Record<Form, string> = {
  json: 'JSON',
  'json-pascal-entities': 'JSON with capitalised entity names',
  'protobuf-json': 'protobuf-JSON',
  'protobuf-json-snake': 'protobuf-JSON, snake_case',
};

const line = (p: Problem) =>
  `  ${p.severity === 'error' ? 'ERROR  ' : 'warning'} ${p.constraint ? `[${p.constraint}] ` : ''}${p.path || '/'}: ${p.message}\n`;

/** `waybill ivms101 validate`: exit 0 valid, 1 invalid, 2 unreadable. */
export function validateCommand(
  file: string,
  opts: { json: boolean; jurisdictions: string[]; amount?: string; currency?: string; date?: string },
  out: Out,
): number {
  if ((opts.amount === undefined) !== (opts.currency === undefined))
    throw new UsageError('--amount and --currency go together.');
  if (opts.amount !== undefined && !/^\d+(\.\d+)?$/.test(opts.amount))
    throw new UsageError('--amount must be a decimal number, e.g. 1500.00');
  const read = readDocument(file);
  if (!read.ok) {
    if (opts.json) out.stdout(JSON.stringify({ valid: false, unreadable: true, reason: read.reason }) + '\n');
    else out.stderr(`${file}: unreadable: ${read.reason}\n`);
    return 2;
  }
  const r = read.result;
  const amount =
    opts.amount && opts.currency ? { value: opts.amount, currency: opts.currency.toUpperCase() } : undefined;
  // The rule versions in force on the given day (default today), not always today's.
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const sets = opts.jurisdictions.length ? ruleSetsFor(defaultRulePack(), opts.jurisdictions, date, amount) : null;
  const completeness = sets ? evaluateCompleteness(r.model, r.edition, sets.ruleSets, sets.notEvaluated) : null;
  if (opts.json) {
    out.stdout(
      JSON.stringify({
        valid: r.valid,
        edition: r.edition,
        kind: r.kind,
        form: r.form,
        envelope: r.envelope,
        errors: r.errors,
        warnings: r.warnings,
        missing: completeness?.missing ?? [],
        ...(sets ? { date } : {}),
        ...(completeness
          ? { completeness: { evaluated: completeness.evaluated, notEvaluated: completeness.notEvaluated } }
          : {}),
      }) + '\n',
    );
  } else {
    out.stdout(
      `${file}: ${r.valid ? 'VALID' : 'INVALID'} — IVMS101 ${r.edition} ${r.kind}${r.form === 'json' ? '' : ` (${FORM_LABEL[r.form]})`}${r.envelope ? `, from a ${r.envelope}` : ''}\n`,
    );
    r.errors.forEach((p) => out.stdout(line(p)));
    r.warnings.forEach((p) => out.stdout(line(p)));
    if (completeness) {
      out.stdout(`  rules in force on ${date}:\n`);
      for (const e of completeness.evaluated)
        out.stdout(`  rules: ${e.jurisdiction} → ${e.profile}, ${e.tier}${e.note ? ` (${e.note})` : ''}\n`);
      for (const j of completeness.notEvaluated) out.stdout(`  rules: ${j} → no completeness profile; not judged\n`);
      if (completeness.missing.length === 0) out.stdout('  complete for these jurisdictions\n');
      for (const m of completeness.missing) {
        const alts = m.alternatives && m.alternatives.length > 1 ? m.alternatives : [m.items];
        const text = alts
          .map((a) => a.map((i: { label: string; path: string }) => `${i.label} at ${i.path}`).join(' and '))
          .join('; or ');
        out.stdout(`  MISSING (${m.jurisdictions.join(', ')}) ${m.label}: ${text}\n`);
      }
    }
  }
  return r.valid ? 0 : 1;
}

/** `waybill ivms101 convert`: refuses an invalid payload unless --force, since invalid values cannot be carried over. */
export function convertCommand(file: string, to: string | undefined, force: boolean, out: Out): number {
  if (to !== '2020' && to !== '2023') throw new UsageError('--to must be 2020 or 2023.');
  const read = readDocument(file);
  if (!read.ok) {
    out.stderr(`${file}: unreadable: ${read.reason}\n`);
    return 2;
  }
  const r = read.result;
  if (r.kind !== 'payload' || !r.model)
    throw new UsageError(`${file} is an IVMS101 ${r.kind}, not a whole payload; only payloads are converted.`);
  if (!r.valid && !force) {
    out.stderr(
      `${file}: invalid, not converted (values that break the standard would be lost). Fix it, or pass --force:\n`,
    );
    r.errors.forEach((p) => out.stderr(line(p)));
    return 1;
  }
  out.stdout(JSON.stringify(writeEdition(r.model, to), null, 2) + '\n');
  return 0;
}
