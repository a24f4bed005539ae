import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../reference-backend/server';
import { ROOT } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { runConformance } from '../sync/conformance';
import { fetchDue, fetchSource } from '../app/screening-lists';
import { listVersions } from './store';

// Lists distributed by the exchange backend (resources/openapi.yaml, /v1/sanctions-lists): the
// reference backend serves the sample the project ships; the workstation fetches it with its token,
// checks each file's SHA-256, and puts it in force. Loopback HTTP only.
const t = tempDir();
let backend: Backend;
let ws: Workstation;
beforeAll(async () => {
  backend = await startBackend({ sanctionsLists: { ofac: join(ROOT, 'resources', 'sanctions', 'ofac-small') } });
  ws = new Workstation({ dataDir: join(t.dir, 'data'), mode: 'cli', actor: 'analyst-1' });
  await ws.createVault(TEST_PASSPHRASE);
  ws.configureSync(backend.url, backend.token);
});
afterAll(async () => {
  ws.close();
  await backend.close();
  t.cleanup();
});

describe('sanctions lists from the exchange backend', () => {
  it('are fetched, verified and put in force; the cases are re-screened', async () => {
    await fetchSource(ws, 'ofac', 'backend');
    expect(listVersions(ws.database()).filter((v) => v.active)).toEqual([
      expect.objectContaining({
        source: 'ofac',
        entryCount: 17,
        importedBy: 'analyst-1',
        origin: `backend ${new URL(backend.url).host}`,
      }),
    ]);
    // A source the backend does not distribute is a named refusal, and nothing changes.
    await expect(fetchSource(ws, 'un', 'backend')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^Refused \(download\): .*the backend distributes no un list\. No un list is in force\./,
      ),
    });
  });

  it('the conformance kit checks the distribution: every listed file matches its size and SHA-256', async () => {
    const r = await runConformance(backend.url, backend.token);
    expect(r.find((e) => e.name.startsWith('GET /v1/sanctions-lists'))).toEqual({
      name: expect.any(String),
      ok: true,
      detail: '1 lists, 4 files',
    });
  });

  it('the schedule fetches what the policy names when it is due, and leaves a current list alone', async () => {
    ws.updatePreferences({
      screeningFetch: { sources: ['ofac', 'un'], everyHours: 24, from: 'backend', urls: {}, proxy: null },
    });
    const before = listVersions(ws.database()).length;
    const now = Date.now();
    // ofac was fetched moments ago (not due); un was never fetched (due, and the backend has none: named, logged, nothing changes).
    expect(await fetchDue(ws, now)).toEqual([{ source: 'un', error: 'invalid_input' }]);
    // A day later ofac is due again: the same files, so the version in force is only marked found current.
    expect(await fetchDue(ws, now + 25 * 3600_000)).toEqual([
      { source: 'ofac', error: null },
      { source: 'un', error: 'invalid_input' },
    ]);
    expect(listVersions(ws.database())).toHaveLength(before);
  });
});
