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

export interface ConformanceOptions {
  /**
   * Two analysts' own credentials for the team expectations. Without them the kit enrols two
   * analysts itself (POST /v1/team/analysts with `token`, a supervisor's or the operator's) and
   * removes them at the end, checking that their credentials are then refused.
   */
  analysts?: [string, string];
}

export async function runConformance(url: string, token: string, o: ConformanceOptions = {}): Promise<Expectation[]> {
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
  await expect('GET /v1/health names the case store (backendId) the same way twice, if at all', async () => {
    const id = async () =>
      ((await (await call('/v1/health', { auth: false })).json()) as { backendId?: unknown }).backendId;
    const first = await id();
    if (first === undefined) return 'no backendId: workstations identify this backend by its URL';
    must(
      typeof first === 'string' && /^[\x21-\x7e]{1,200}$/.test(first),
      `backendId is not 1-200 printable ASCII characters`,
    );
    must((await id()) === first, 'backendId changed between two calls');
    return `backendId ${String(first).slice(0, 12)}…`;
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
  await teamExpectations(base, token, o, expect, must);
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

type Expect = (name: string, fn: () => Promise<string>) => Promise<void>;

/** Issue 15 point 4: per-analyst credentials, claims, four eyes enforced by the backend, the team feed. */
async function teamExpectations(
  base: string,
  token: string,
  o: ConformanceOptions,
  expect: Expect,
  must: (cond: boolean, msg: string) => void,
): Promise<void> {
  const as =
    (credential: string) =>
    (path: string, init: { method?: string; body?: unknown; key?: string; ifMatch?: number } = {}) =>
      fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${credential}`,
          ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(init.key ? { 'Idempotency-Key': init.key } : {}),
          ...(init.ifMatch !== undefined ? { 'If-Match': `"${init.ifMatch}"` } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(15_000),
      });
  const operator = as(token);
  const suffix = randomUUID().slice(0, 8);
  type Actor = { name: string; call: ReturnType<typeof as>; credential: string };
  let a = null as Actor | null;
  let b = null as Actor | null;
  const enrolled: string[] = [];

  await expect('each analyst has a credential of their own, and GET /v1/team/me names its analyst', async () => {
    const creds: string[] = o.analysts ? [...o.analysts] : [];
    if (!o.analysts) {
      for (const name of [`Conformance A ${suffix}`, `Conformance B ${suffix}`]) {
        const res = await operator('/v1/team/analysts', { method: 'POST', body: { name, role: 'analyst' } });
        must(res.status === 201, `enrolling ${name} answered ${res.status}`);
        const e = (await res.json()) as { credential?: unknown };
        must(typeof e.credential === 'string', `enrolling ${name} gave no credential`);
        creds.push(e.credential as string);
        enrolled.push(name);
      }
    }
    const names: string[] = [];
    for (const c of creds) {
      const me = (await (await as(c)('/v1/team/me')).json()) as { kind?: unknown; name?: unknown };
      must(me.kind === 'analyst' && typeof me.name === 'string', `/v1/team/me answered ${JSON.stringify(me)}`);
      names.push(me.name as string);
    }
    must(names[0] !== names[1], `both credentials belong to ${names[0]}`);
    a = { name: names[0]!, call: as(creds[0]!), credential: creds[0]! };
    b = { name: names[1]!, call: as(creds[1]!), credential: creds[1]! };
    return `${names[0]} and ${names[1]}`;
  });

  let target: { id: string; version: number } | null = null;
  const feedAfter = async (cursor: number) => {
    const res = await a!.call(`/v1/team/changes?after=${cursor}&limit=1000`);
    must(res.status === 200, `GET /v1/team/changes answered ${res.status}`);
    const page = (await res.json()) as {
      items?: {
        cursor: number;
        type: string;
        by?: string;
        caseId?: string;
        assignee?: string | null;
        proposal?: { id: string; state: string; proposedBy: string; reviewedBy?: string | null };
      }[];
      next?: unknown;
      hasMore?: unknown;
    };
    must(
      Array.isArray(page.items) && typeof page.next === 'number' && typeof page.hasMore === 'boolean',
      'the team feed is not {items, next, hasMore}',
    );
    return { items: page.items!, next: page.next as number };
  };
  let cursor = 0;
  await expect("a claim is recorded under the claimant's credential and appears in the team feed", async () => {
    must(a !== null, 'no analyst credentials');
    cursor = (await feedAfter(0)).next;
    const res = await operator('/v1/exchange/create_tx', { method: 'POST' });
    must(res.status === 201, `create_tx answered ${res.status}`);
    const c = caseRecordSchema.parse(((await res.json()) as { case: unknown }).case);
    target = { id: c.id, version: c.version };
    const claim = await a!.call(`/v1/cases/${c.id}/assignment`, {
      method: 'POST',
      key: randomUUID(),
      body: { assignee: a!.name, at: new Date().toISOString() },
    });
    must(claim.status === 201, `the claim answered ${claim.status}`);
    const seen = (await feedAfter(cursor)).items.find((e) => e.type === 'assignment' && e.caseId === c.id);
    must(!!seen && seen.assignee === a!.name && seen.by === a!.name, `the team feed shows ${JSON.stringify(seen)}`);
    return `${c.id} claimed by ${a!.name}`;
  });

  const proposalId = randomUUID();
  const approve = (who: Actor, key: string) =>
    who.call(`/v1/cases/${target!.id}/decisions`, {
      method: 'POST',
      key,
      ifMatch: target!.version,
      body: {
        kind: 'reject',
        reasonCodes: ['HIGH_RISK'],
        note: 'conformance kit',
        decidedAt: new Date().toISOString(),
        analyst: a!.name,
        approvedBy: who.name,
        proposalId,
      },
    });
  await expect('a four-eyes proposal is recorded with its proposer and appears in the team feed', async () => {
    must(target !== null, 'no case to propose on');
    const res = await a!.call(`/v1/cases/${target!.id}/proposals`, {
      method: 'POST',
      key: proposalId,
      body: {
        kind: 'reject',
        reasonCodes: ['HIGH_RISK'],
        note: 'conformance kit',
        proposedBy: a!.name,
        proposedAt: new Date().toISOString(),
        caseVersion: target!.version,
        why: ['conformance kit'],
      },
    });
    must(res.status === 201, `the proposal answered ${res.status}`);
    const seen = (await feedAfter(cursor)).items.find((e) => e.type === 'proposal' && e.proposal?.id === proposalId);
    must(seen?.proposal?.proposedBy === a!.name, `the team feed shows ${JSON.stringify(seen?.proposal)}`);
    return `proposal by ${a!.name}`;
  });
  await expect('the proposer cannot approve their own proposal: 403 self_approval, nothing decided', async () => {
    must(target !== null, 'no case');
    const res = await approve(a!, randomUUID());
    const body = (await res.json().catch(() => null)) as { error?: { code?: unknown } } | null;
    must(res.status === 403, `self-approval answered ${res.status}, not 403`);
    must(
      body?.error?.code === 'self_approval',
      `the refusal's code is ${String(body?.error?.code)}, not self_approval`,
    );
    const after = await feedAfter(cursor);
    must(
      !after.items.some((e) => e.type === 'review' && e.proposal?.id === proposalId),
      'the proposal shows as reviewed after a refused self-approval',
    );
    return '403 self_approval';
  });
  await expect("a second analyst's approval is recorded with both names, once", async () => {
    must(target !== null && b !== null, 'no case');
    const key = randomUUID();
    const first = await approve(b!, key);
    const firstBody = await first.text();
    must(first.status === 201, `the approval answered ${first.status}: ${firstBody.slice(0, 200)}`);
    const d = (JSON.parse(firstBody) as { decision?: { analyst?: unknown; approvedBy?: unknown } }).decision;
    must(d?.analyst === a!.name && d?.approvedBy === b!.name, `the decision names ${d?.analyst} and ${d?.approvedBy}`);
    const again = await approve(b!, key);
    must(again.status === 201 && (await again.text()) === firstBody, 'a replay of the approval answered differently');
    const reviews = (await feedAfter(cursor)).items.filter((e) => e.type === 'review' && e.proposal?.id === proposalId);
    must(
      reviews.length === 1 &&
        reviews[0]!.proposal?.state === 'approved' &&
        reviews[0]!.proposal?.reviewedBy === b!.name,
      `the team feed shows ${reviews.length} reviews of the proposal`,
    );
    return `proposed by ${a!.name}, approved by ${b!.name}`;
  });
  if (enrolled.length) {
    await expect('removing an analyst revokes their credential (401 from then on)', async () => {
      for (const name of enrolled) {
        const res = await operator(`/v1/team/analysts/${encodeURIComponent(name)}`, { method: 'DELETE' });
        must(res.status === 200, `removing ${name} answered ${res.status}`);
      }
      const res = await as(a!.credential)('/v1/team/me');
      must(res.status === 401, `a removed analyst's credential answered ${res.status}`);
      return '401';
    });
  }
}
