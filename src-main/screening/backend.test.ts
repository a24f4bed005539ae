import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../reference-backend/server';
import { ROOT } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { runConformance } from '../sync/conformance';
import { fetchSource } from '../app/screening-lists';
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
    expect(listVersions(ws.database()).filter((v) => v.active)).toEqual([expect.objectContaining({ source: 'ofac', entryCount: 17, importedBy: 'analyst-1', origin: `backend ${new URL(backend.url).host}` })]);
    // A source the backend does not distribute is a named refusal, and nothing changes.
    await expect(fetchSource(ws, 'un', 'backend')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Refused \(download\): .*the backend distributes no un list\. No un list is in force\./) });
  });

  it('the conformance kit checks the distribution: every listed file matches its size and SHA-256', async () => {
    const r = await runConformance(backend.url, backend.token);
    expect(r.find((e) => e.name.startsWith('GET /v1/sanctions-lists'))).toEqual({ name: expect.any(String), ok: true, detail: '1 lists, 4 files' });
  });
});
