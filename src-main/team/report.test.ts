import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { enrolled } from '../../test/support/export';
import { tempDir, TEST_PASSPHRASE } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { decide } from '../cases/decide';
import { reviewProposal } from '../cases/four-eyes';
import { generateCases } from '../cases/generate';
import { importCasesFile } from '../cases/import';

// Issue 15 point 3: the export's report lists enrolments, role changes and every four-eyes pair, so a
// regulator can check from the bundle alone that proposer and approver were different people.

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

function entry(zipFile: string, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) return zip.readEntry();
        zip.openReadStream(e, (e2, s) => {
          if (e2) return reject(e2);
          const parts: Buffer[] = [];
          s.on('data', (b: Buffer) => parts.push(b)).on('end', () => resolve(Buffer.concat(parts)));
        });
      });
      zip.on('end', () => reject(new Error(`${name} not in ${zipFile}`)));
      zip.readEntry();
    });
  });
}

describe('the export report names the people behind four eyes', () => {
  it('lists enrolments, removals, role changes and each proposal with its proposer and reviewer', async () => {
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE, false, 'Ana');
    const [c] = [...generateCases(1, { seed: 15 })];
    const file = join(t.dir, 'cases.jsonl');
    writeFileSync(
      file,
      JSON.stringify({ ...c!, id: 'four-eyes-case', status: 'pending_review', aml: { riskScore: 95, alerts: [] } }) +
        '\n',
    );
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    await enrolled(ws, 'Ben', 'ben has his own passphrase');
    await enrolled(ws, 'Cleo', 'cleo has her own passphrase');
    ws.setRole('Ben', 'supervisor');
    ws.removeAnalyst('Cleo');
    const db = ws.database();
    const out = decide(
      db,
      { caseId: 'four-eyes-case', kind: 'reject', reasonCodes: ['HIGH_RISK'], analyst: 'Ben' },
      ws.decisionPolicy(),
    );
    if (out.kind !== 'proposal') throw new Error('expected a proposal');
    reviewProposal(db, {
      proposalId: out.proposal.id,
      approver: await ws.checkApprover('Ana', TEST_PASSPHRASE),
      approve: true,
    });

    const bundle = join(t.dir, 'bundle.zip');
    const day = c!.transferTime.slice(0, 10);
    await ws.createExport({ from: day, to: day, jurisdiction: null, direction: null, status: null }, bundle);
    ws.close();
    const pdf = join(t.dir, 'report.pdf');
    writeFileSync(pdf, await entry(bundle, 'report.pdf'));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', pdf, '-']).toString();
    const section = text.slice(text.indexOf('Analysts and four eyes'), text.lastIndexOf('Cases'));
    expect(section).toMatch(/Ana · supervisor · enrolled \S+ by Ana/);
    expect(section).toMatch(/Ben · supervisor · enrolled \S+ by Ana/);
    expect(section).toMatch(/Cleo · analyst · enrolled \S+ by Ana · removed \S+ by Ana/);
    expect(section).toMatch(/Ben: analyst → supervisor by Ana/);
    expect(section).toMatch(/Case four-eyes-case: reject proposed by Ben at \S+ · approved by Ana at\s+\S+/);
  });
});
