import { isPageEnd, type ChangeItem } from '../../src-shared/backend';
import { createHash, randomUUID } from 'node:crypto';
import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import { diffRecords, ivms101Digest } from '../cases/repair';

// `waybill conformance`: the contract's expectations, run against any backend an exchange builds.
// Each expectation passes or fails with what was seen; nothing here trusts the backend's own word.

export interface Expectation {
  name: string;
  ok: boolean;
  detail: string;
}

type Fetch = (path: string, init?: RequestInit & { auth?: boolean }) => Promise<Response>;

export async function runConformance(url: string, token: string): Promise<Expectation[]> {
  const base = url.replace(/\/$/, '');
  const call: Fetch = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth !== false) headers.set('Authorization', `Bearer ${token}`);
    headers.set('X-Analyst', 'conformance-kit');
    return fetch(`${base}${path}`, { ...init, headers, signal: AbortSignal.timeout(15_000) });
  };
  const out: Expectation[] = [];
  const expect = async (name: string, fn: () => Promise<string>) => {
    try {
      out.push({ name, ok: true, detail: await fn() });
    } catch (e) {
      out.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  };
  const must = (cond: boolean, msg: string) => {
    if (!cond) throw new Error(msg);
  };
  const feed = async (after: number, limit: number) => {
    const res = await call(`/v1/changes?after=${after}&limit=${limit}`);
    must(res.status === 200, `answered ${res.status}`);
    must(
      (res.headers.get('content-type') ?? '').includes('ndjson'),
      `content type is ${res.headers.get('content-type')}, not application/x-ndjson`,
    );
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l): unknown => JSON.parse(l));
    const end = lines.pop();
    if (!isPageEnd(end)) throw new Error('the page does not end with {"next": n, "hasMore": bool}');
    // The items are read as the contract's ChangeItem; each expectation checks what it relies on.
    return { items: lines as ChangeItem[], next: end.next, hasMore: end.hasMore };
  };

  await expect('GET /v1/health answers 200 with {ok, cursor}', async () => {
    const res = await call('/v1/health', { auth: false });
    const b = (await res.json()) as { ok?: unknown; cursor?: unknown };
    must(
      res.status === 200 && b.ok === true && typeof b.cursor === 'number',
      `answered ${res.status} ${JSON.stringify(b).slice(0, 100)}`,
    );
    return `cursor ${b.cursor}`;
  });
  await expect('a request without the workstation token is refused with 401', async () => {
    const res = await call('/v1/changes?after=0&limit=1', { auth: false });
    must(res.status === 401, `answered ${res.status}`);
    return '401';
  });
  await expect('the changes feed pages by cursor without gaps or overlaps, every item a valid case', async () => {
    const first = await feed(0, 2);
    must(first.items.length > 0, 'the feed is empty: nothing to check (create a case first)');
    const second = await feed(first.next, 2);
    const cursors = [...first.items, ...second.items].map((i) => i.cursor);
    must(
      cursors.every((c, i) => i === 0 || c > cursors[i - 1]!),
      `cursors do not increase: ${cursors.join(', ')}`,
    );
    must(
      first.items.every((i) => i.cursor <= first.next),
      'an item lies beyond the page\'s "next"',
    );
    for (const it of [...first.items, ...second.items]) {
      const p = caseRecordSchema.strict().safeParse(it.case);
      must(
        p.success,
        `item at cursor ${it.cursor} is not a valid case: ${p.success ? '' : p.error.issues[0]?.path.join('.')} ${p.success ? '' : p.error.issues[0]?.message}`,
      );
    }
    return `${cursors.length} items over two pages`;
  });
  await expect('GET /v1/events streams server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}/v1/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: ctrl.signal,
    });
    const type = res.headers.get('content-type') ?? '';
    ctrl.abort();
    must(res.status === 200 && type.includes('text/event-stream'), `answered ${res.status} ${type}`);
    return type;
  });
  await expect("GET /v1/reference/fx-rates and /v1/reference/vasps answer in the contract's shape", async () => {
    const fx = (await (await call('/v1/reference/fx-rates')).json()) as { rates?: unknown };
    const vasps = (await (await call('/v1/reference/vasps')).json()) as { vasps?: { protocol?: unknown }[] };
    must(Array.isArray(fx.rates), 'fx-rates has no "rates" array');
    must(
      Array.isArray(vasps.vasps) && vasps.vasps.every((v) => typeof v.protocol === 'string'),
      'vasps has no "vasps" array with protocols',
    );
    return `${(fx.rates as unknown[]).length} rates, ${vasps.vasps!.length} VASPs`;
  });
  await expect('GET /v1/sanctions-lists (optional) names files whose bytes match their size and SHA-256', async () => {
    const res = await call('/v1/sanctions-lists');
    if (res.status === 404) return 'not offered (optional)';
    must(res.status === 200, `answered ${res.status}`);
    const b = (await res.json()) as {
      lists?: { source?: unknown; files?: { name?: unknown; size?: unknown; sha256?: unknown; href?: unknown }[] }[];
    };
    must(Array.isArray(b.lists), 'no "lists" array');
    let files = 0;
    for (const l of b.lists!) {
      must(
        typeof l.source === 'string' && Array.isArray(l.files) && l.files.length > 0,
        `a list without source or files: ${JSON.stringify(l).slice(0, 80)}`,
      );
      for (const f of l.files!) {
        must(
          typeof f.href === 'string' && typeof f.sha256 === 'string' && typeof f.size === 'number',
          `${String(l.source)}: a file without href, size or sha256`,
        );
        const href = new URL(f.href as string, base + '/');
        must(
          href.origin === new URL(base).origin,
          `${String(l.source)}/${String(f.name)} is served from another origin`,
        );
        const data = Buffer.from(await (await call(href.pathname + href.search)).arrayBuffer());
        must(
          data.length === f.size,
          `${String(l.source)}/${String(f.name)}: ${data.length} bytes, not ${String(f.size)}`,
        );
        must(
          createHash('sha256').update(data).digest('hex') === f.sha256,
          `${String(l.source)}/${String(f.name)}: the SHA-256 differs from the one listed`,
        );
        files++;
      }
    }
    return `${b.lists!.length} lists, ${files} files`;
  });

  // Decisions need a case nobody has decided: create one the way the exchange would.
  let target: { id: string; version: number } | null = null;
  await expect('POST /v1/exchange/create_tx creates a withdrawal pending review', async () => {
    const res = await call('/v1/exchange/create_tx', { method: 'POST' });
    must(res.status === 201, `answered ${res.status}`);
    const c = caseRecordSchema.parse(((await res.json()) as { case: unknown }).case);
    must(c.status === 'pending_review', `the new case is ${c.status}`);
    target = { id: c.id, version: c.version };
    return c.id;
  });
  const decide = (key: string | null, version: number | null) =>
    call(`/v1/cases/${target!.id}/decisions`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(key ? { 'Idempotency-Key': key } : {}),
        ...(version !== null ? { 'If-Match': `"${version}"` } : {}),
      },
      body: JSON.stringify({
        kind: 'reject',
        reasonCodes: ['COMPLIANCE_CHECK_FAIL'],
        note: 'conformance kit',
        decidedAt: new Date().toISOString(),
      }),
    });
  await expect('a decision without an Idempotency-Key is refused with 400', async () => {
    must(target !== null, 'no case to decide');
    const res = await decide(null, target!.version);
    must(res.status === 400, `answered ${res.status}`);
    return '400';
  });
  await expect('a decision on a stale version is refused with 409 and the current case', async () => {
    must(target !== null, 'no case to decide');
    const res = await decide(randomUUID(), target!.version + 41);
    const b = (await res.json()) as { case?: { id?: unknown } };
    must(res.status === 409 && b.case?.id === target!.id, `answered ${res.status} without the current case`);
    return '409 with the case';
  });
  await expect('a replay with the same Idempotency-Key returns the first answer and decides only once', async () => {
    must(target !== null, 'no case to decide');
    const key = randomUUID();
    const first = await decide(key, target!.version);
    const firstBody = await first.text();
    must(first.status === 201, `the first decision answered ${first.status}`);
    const again = await decide(key, target!.version);
    const againBody = await again.text();
    must(again.status === first.status, `the replay answered ${again.status}, the first ${first.status}`);
    must(againBody === firstBody, 'the replay answered differently from the first');
    const other = await decide(randomUUID(), target!.version);
    must(other.status === 409, `a second, different decision on the same case answered ${other.status}, not 409`);
    return 'same answer; one decision';
  });

  // A repair (issue 18, 9) on a case of its own: the record the exchange holds, changed in one field.
  let repairTarget: CaseRecord | null = null;
  await expect(
    'POST /v1/cases/{id}/ivms101-repairs on a record that changed meanwhile is refused with 409 and the current case',
    async () => {
      const res = await call('/v1/exchange/create_tx', { method: 'POST' });
      must(res.status === 201, `create_tx answered ${res.status}`);
      repairTarget = caseRecordSchema.parse(((await res.json()) as { case: unknown }).case);
      const stale = await repair(repairTarget, randomUUID(), '0'.repeat(64));
      const b = (await stale.json()) as { case?: { id?: unknown; version?: unknown } };
      must(stale.status === 409 && b.case?.id === repairTarget.id, `answered ${stale.status} without the current case`);
      must(b.case?.version === repairTarget.version, 'a refused repair changed the case version');
      return '409 with the case';
    },
  );
  await expect('a repair answers 201 with the next version carrying the record; a replay repairs once', async () => {
    must(repairTarget !== null, 'no case to repair');
    const t = repairTarget!;
    const key = randomUUID();
    const first = await repair(t, key, ivms101Digest(t.ivms101));
    const firstBody = await first.text();
    must(first.status === 201, `the repair answered ${first.status}: ${firstBody.slice(0, 200)}`);
    const repaired = caseRecordSchema.parse((JSON.parse(firstBody) as { case: unknown }).case);
    must(repaired.version === t.version + 1, `the case is at version ${repaired.version}, not ${t.version + 1}`);
    must(
      JSON.stringify(repaired.ivms101) === JSON.stringify(repairedRecord(t)),
      'the case does not carry the repaired record',
    );
    const again = await repair(t, key, ivms101Digest(t.ivms101));
    must(again.status === 201 && (await again.text()) === firstBody, `the replay answered ${again.status} differently`);
    const feed = await call(`/v1/changes?after=0&limit=1000`);
    const versions = (await feed.text())
      .split('\n')
      .filter((l) => l.includes(`"id":"${t.id}"`))
      .map((l) => (JSON.parse(l) as { case?: { version?: number } }).case?.version);
    must(!versions.includes(t.version + 2), 'the replay repaired the case a second time');
    return `version ${repaired.version}; the replay gave the first answer`;
  });
  return out;

  function repairedRecord(c: CaseRecord): Record<string, unknown> {
    return { ...c.ivms101, payloadMetadata: { transliterationMethod: ['othr'] } };
  }
  function repair(c: CaseRecord, key: string, baseDigest: string) {
    const ivms101 = repairedRecord(c);
    return call(`/v1/cases/${c.id}/ivms101-repairs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({
        repairId: key,
        baseDigest,
        ivms101,
        changes: diffRecords(c.ivms101, ivms101),
        note: 'conformance kit',
        repairedAt: new Date().toISOString(),
      }),
    });
  }
}
