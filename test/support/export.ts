import { redeemEnrolment } from '../../src-main/vault/vault';
import { activateAnalyst } from '../../src-main/team/roster';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { CaseRecord } from '../../src-shared/case';
import { Workstation } from '../../src-main/app/workstation';
import { generateCases, type GenerateOptions } from '../../src-main/cases/generate';
import { importCasesFile } from '../../src-main/cases/import';
import { TEST_PASSPHRASE } from './temp';

/** An unlocked workstation holding `cases` (imported through the real import path, checks included). */
export async function workstationWith(dir: string, cases: CaseRecord[], actor = 'analyst-a'): Promise<Workstation> {
  const ws = new Workstation({ dataDir: dir, mode: 'cli', actor });
  await ws.createVault(TEST_PASSPHRASE);
  const file = join(dir, 'import.jsonl');
  writeFileSync(file, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  await importCasesFile(ws.database(), file, actor, ws.checkContext());
  return ws;
}

export function cases(n: number, o: GenerateOptions = {}): CaseRecord[] {
  return [...generateCases(n, { seed: 7, ...o })];
}

/** Sets a natural person's name on one side of a case, in the Latin and in the local script. */
export function withNames(
  c: CaseRecord,
  side: 'originator' | 'beneficiary',
  latin: [string, string],
  local: [string, string],
): CaseRecord {
  const ivms = structuredClone(c.ivms101) as Record<
    string,
    Record<string, { naturalPerson?: { name: Record<string, unknown> } }[]>
  >;
  const person = ivms[side]?.[`${side}Persons`]?.[0]?.naturalPerson;
  if (!person) throw new Error(`case ${c.id} has no natural ${side}`);
  person.name = {
    nameIdentifier: [{ primaryIdentifier: latin[0], secondaryIdentifier: latin[1], nameIdentifierType: 'LEGL' }],
    localNameIdentifier: [{ primaryIdentifier: local[0], secondaryIdentifier: local[1], nameIdentifierType: 'LEGL' }],
  };
  return { ...c, ivms101: ivms };
}

/** Every entry of a ZIP, in order, in memory (test bundles are small). */
export function readZip(path: string): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: { name: string; data: Buffer }[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

export function writeZip(path: string, entries: { name: string; data: Buffer }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const e of entries) zip.addBuffer(e.data, e.name);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => {
      writeFileSync(path, Buffer.concat(chunks));
      resolve();
    });
    zip.outputStream.on('error', reject);
  });
}

/**
 * Enrols `name` as a supervisor would and redeems the code as the analyst would (their slot, their
 * passphrase), without changing who is signed in: for tests that need a second analyst.
 */
export async function enrolled(
  ws: Workstation,
  name: string,
  passphrase: string,
  role: 'analyst' | 'supervisor' = 'analyst',
): Promise<void> {
  const { code } = await ws.enrolAnalyst(name, role);
  (await redeemEnrolment(ws.dataDir, name, code, passphrase)).fill(0);
  activateAnalyst(ws.database(), name);
}
