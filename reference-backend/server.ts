import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { caseRecordSchema, type CaseRecord } from '../src-shared/case';
import { ivms101Digest } from '../src-main/cases/repair';
import { VASPS } from '../src-main/cases/world';
import type { FxRate } from '../src-main/rules/fx';
import {
  backendId,
  changesAfter,
  currentSeq,
  getCase,
  openBackendDb,
  putCase,
  updateCase,
  type BackendDB,
} from './store';
import {
  actingName,
  analystByCredential,
  appendTeamEvent,
  assignmentBody,
  declineBody,
  enrolBody,
  enrolTeamAnalyst,
  openProposalFor,
  proposalBody,
  proposalById,
  putProposal,
  rememberTeamAnswer,
  removeTeamAnalyst,
  teamAnalyst,
  teamAnalysts,
  teamChangesAfter,
  teamReplay,
  type BackendProposal,
  type TeamRole,
  type Who,
} from './team';

// The reference exchange backend: implements resources/openapi.yaml over real HTTP. Tests, the demo
// and the conformance kit run against it. Flows follow the Defy withdrawal seed: create_tx → pending
// review → accept/reject → counterparty (protocol or e-mail) → tx hash → completed; deposits: review →
// accept / reject / request repair.

export interface BackendOptions {
  port?: number;
  token?: string;
  dbFile?: string;
  rates?: FxRate[];
  /** Test hooks (/v1/test/*) for injecting bad data into the feed. Never on in the demo. */
  testHooks?: boolean;
  /** Misbehave on purpose, to prove the conformance kit notices. */
  broken?:
    'ignore-idempotency' | 'ignore-if-match' | 'allow-self-approval' | 'unstable-identity' | 'ignore-repair-base';
  makeCase?: () => CaseRecord;
  /** Sanctions lists this backend distributes: source → the list file (OFAC: the folder of its CSV set). */
  sanctionsLists?: Partial<Record<string, string>>;
}

export interface Backend {
  url: string;
  token: string;
  port: number;
  db: BackendDB;
  /** Adds a case as the exchange would (create_tx), and tells live listeners. */
  addCase(c: CaseRecord): CaseRecord;
  /** Enrols an analyst as the exchange's operator would; returns their credential (shown once). */
  enrolAnalyst(name: string, role?: TeamRole): string;
  changed(): void;
  close(): Promise<void>;
}

const decisionBody = z.object({
  kind: z.enum(['accept', 'reject', 'request_information']),
  reasonCodes: z.array(z.string().max(40)).max(20),
  note: z.string().max(2000).nullable().optional(),
  decidedAt: z.iso.datetime({ offset: true }),
  analyst: z.string().max(200).optional(),
  approvedBy: z.string().max(200).optional(),
  proposalId: z.string().min(8).max(100).optional(),
});
const responseBody = z.object({
  outcome: z.enum(['approved', 'rejected']),
  reason: z.string().max(2000).nullable().optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  via: z.literal('email'),
});

const repairBody = z.object({
  repairId: z.string().min(8).max(100),
  baseDigest: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 (hex) of the canonical JSON of the record repaired'),
  ivms101: caseRecordSchema.shape.ivms101,
  changes: z
    .array(z.object({ path: z.string().max(1000), before: z.unknown().optional(), after: z.unknown().optional() }))
    .min(1)
    .max(2000),
  note: z.string().min(1).max(2000),
  analyst: z.string().max(200).optional(),
  repairedAt: z.iso.datetime({ offset: true }),
});

const DECIDABLE = new Set(['pending_review', 'escalated', 'needs_information']);

function nextStatus(c: CaseRecord, kind: 'accept' | 'reject' | 'request_information'): CaseRecord['status'] {
  if (kind === 'reject') return 'rejected';
  if (kind === 'request_information') return 'needs_information';
  if (c.direction === 'deposit') return 'accepted';
  if (!c.counterparty) return 'awaiting_tx_hash'; // self-hosted wallet: nobody to send data to
  return c.counterparty.protocol === 'email' ? 'awaiting_email_reply' : 'awaiting_counterparty';
}

/**
 * A new workstation token. Prefixed, like the analysts' credentials (team.ts), because base64url may begin
 * with '-', and `--token -…` then reads as an option: one backend in 64 failed the CLI tests (30 Nov 2026).
 */
export function newWorkstationToken(): string {
  return `wbt_${randomBytes(24).toString('base64url')}`;
}

export async function startBackend(opts: BackendOptions = {}): Promise<Backend> {
  const db = openBackendDb(opts.dbFile);
  const token = opts.token ?? newWorkstationToken();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  const problem = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) => json(res, status, { error: { code, message }, ...extra });
  const changed = () => {
    const frame = `event: changes\ndata: ${JSON.stringify({ cursor: currentSeq(db) })}\n\n`;
    for (const s of streams) s.write(frame);
  };
  /** Who the bearer is: an analyst by their own credential, the (deprecated) shared token, or nobody. */
  const identify = (req: IncomingMessage): Who | null => {
    const h = req.headers.authorization ?? '';
    const raw = h.startsWith('Bearer ') ? h.slice(7) : '';
    const given = Buffer.from(raw);
    const want = Buffer.from(token);
    if (given.length === want.length && timingSafeEqual(given, want)) {
      const x = req.headers['x-analyst'];
      return { kind: 'shared', name: typeof x === 'string' && x ? x : null };
    }
    const a = raw ? analystByCredential(db, raw) : null;
    return a ? { kind: 'analyst', ...a } : null;
  };
  const badBody = (res: ServerResponse, issues: { path: PropertyKey[]; message: string }[]) =>
    problem(res, 400, 'invalid_body', issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const body = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let data = '';
      req.on('data', (c: Buffer) => {
        data += c.toString('utf8');
        if (data.length > 1_000_000) req.destroy();
      });
      req.on('end', () => {
        try {
          resolve(data ? JSON.parse(data) : {});
        } catch {
          reject(new Error('bad json'));
        }
      });
      req.on('error', reject);
    });

  /** Idempotent POST: a replay with the same key returns the first answer, whatever has happened since. */
  const idempotent = (table: 'decisions' | 'counterparty_responses' | 'ivms101_repairs', key: string) =>
    opts.broken === 'ignore-idempotency'
      ? undefined
      : (db.prepare(`SELECT status, response FROM ${table} WHERE idempotency_key = ?`).get(key) as
          { status: number; response: string } | undefined);

  /** The lists distributed: each source's files with their size and SHA-256, read afresh (a list may be replaced on disk). */
  const distributed = () =>
    Object.entries(opts.sanctionsLists ?? {}).flatMap(([source, at]) => {
      if (!at || !existsSync(at)) return [];
      const paths = statSync(at).isDirectory()
        ? readdirSync(at)
            .sort()
            .map((f) => join(at, f))
        : [at];
      const files = paths.map((p) => {
        const name = basename(p);
        const data = readFileSync(p);
        return {
          name,
          size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          href: `/v1/sanctions-lists/${source}/files/${encodeURIComponent(name)}`,
          path: p,
        };
      });
      const label = `${source} ${createHash('sha256')
        .update(files.map((f) => f.sha256).join(''))
        .digest('hex')
        .slice(0, 8)}`;
      return [{ source, label, publishedAt: null as string | null, files }];
    });

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (path === '/v1/health' && req.method === 'GET')
      return json(res, 200, {
        ok: true,
        cursor: currentSeq(db),
        backendId: opts.broken === 'unstable-identity' ? randomBytes(8).toString('hex') : backendId(db),
      });
    const who = identify(req);
    if (!who)
      return problem(
        res,
        401,
        'unauthorized',
        "A valid bearer credential is required (a removed analyst's is revoked).",
      );
    const team = await teamRoutes(req, res, url, who);
    if (team !== false) return;

    if (path === '/v1/changes' && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? '0');
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? '500')));
      if (!Number.isInteger(after) || after < 0)
        return problem(res, 400, 'invalid_cursor', 'after must be a non-negative integer cursor.');
      const page = changesAfter(db, after, limit + 1);
      const items = page.slice(0, limit);
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
      // The case JSON is written as stored, so a broken item stays confined to its own line.
      for (const it of items) res.write(`{"cursor":${it.cursor},"case":${it.raw}}\n`);
      res.end(
        JSON.stringify({ next: items.length ? items[items.length - 1]!.cursor : after, hasMore: page.length > limit }) +
          '\n',
      );
      return;
    }
    if (path === '/v1/events' && req.method === 'GET') {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write(`event: changes\ndata: ${JSON.stringify({ cursor: currentSeq(db) })}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    let m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/decisions$/.exec(path);
    if (m && req.method === 'POST') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length < 8 || key.length > 100)
        return problem(res, 400, 'idempotency_key_required', 'Idempotency-Key header (8-100 characters) is required.');
      const replay = idempotent('decisions', key);
      if (replay) return json(res, replay.status, JSON.parse(replay.response), { 'Idempotent-Replay': 'true' });
      let input: z.infer<typeof decisionBody>;
      try {
        const parsed = decisionBody.safeParse(await body(req));
        if (!parsed.success)
          return problem(
            res,
            400,
            'invalid_body',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        input = parsed.data;
      } catch {
        return problem(res, 400, 'invalid_json', 'The body is not JSON.');
      }
      const c = getCase(db, m[1]!);
      if (!c) return problem(res, 404, 'not_found', `No case ${m[1]}.`);
      // Who decides is who the credential says; four eyes is checked here too, whatever a workstation did.
      const acting = actingName(who, req);
      const analyst = input.analyst ?? acting ?? '';
      const refused = fourEyesRefusal(input, analyst, acting, who, c.id);
      if (refused) return problem(res, 403, refused.code, refused.message);
      const ifMatch = String(req.headers['if-match'] ?? '').replace(/"/g, '');
      const stale = opts.broken !== 'ignore-if-match' && (!ifMatch || Number(ifMatch) !== c.version);
      if (stale || !DECIDABLE.has(c.status)) {
        const response = {
          error: {
            code: 'conflict',
            message: stale
              ? `The case is at version ${c.version}, not ${ifMatch || '(none given)'}.`
              : `The case is ${c.status}: already decided.`,
          },
          case: c,
        };
        db.prepare(
          'INSERT OR REPLACE INTO decisions (idempotency_key, case_id, kind, analyst, body, status, response, at) VALUES (?, ?, ?, ?, ?, 409, ?, ?)',
        ).run(
          key,
          c.id,
          input.kind,
          String(req.headers['x-analyst'] ?? ''),
          JSON.stringify(input),
          JSON.stringify(response),
          new Date().toISOString(),
        );
        return json(res, 409, response);
      }
      const at = new Date().toISOString();
      const updated = db.transaction(() => {
        const u = updateCase(db, c.id, { status: nextStatus(c, input.kind) }, at);
        const response = {
          decision: {
            id: key,
            caseId: c.id,
            kind: input.kind,
            reasonCodes: input.reasonCodes,
            analyst,
            approvedBy: input.approvedBy ?? null,
            proposalId: input.proposalId ?? null,
            decidedAt: input.decidedAt,
            receivedAt: at,
          },
          case: u,
        };
        db.prepare(
          'INSERT INTO decisions (idempotency_key, case_id, kind, analyst, body, status, response, at, approved_by, proposal_id) VALUES (?, ?, ?, ?, ?, 201, ?, ?, ?, ?)',
        ).run(
          key,
          c.id,
          input.kind,
          analyst,
          JSON.stringify(input),
          JSON.stringify(response),
          at,
          input.approvedBy ?? null,
          input.proposalId ?? null,
        );
        // The approved proposal: both names, on every workstation through the team feed.
        const p = input.proposalId ? proposalById(db, input.proposalId) : null;
        if (p) {
          const { receivedAt, ...proposal } = p;
          const reviewed: BackendProposal = {
            ...proposal,
            state: 'approved',
            reviewedBy: input.approvedBy ?? null,
            reviewedAt: input.decidedAt,
            decisionId: key,
          };
          putProposal(db, reviewed, receivedAt);
          appendTeamEvent(db, { type: 'review', at, by: input.approvedBy ?? '', caseId: c.id, proposal: reviewed });
        }
        return response;
      })();
      changed();
      return json(res, 201, updated);
    }
    m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/counterparty-responses$/.exec(path);
    if (m && req.method === 'POST') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length < 8)
        return problem(res, 400, 'idempotency_key_required', 'Idempotency-Key header is required.');
      const replay = idempotent('counterparty_responses', key);
      if (replay) return json(res, replay.status, JSON.parse(replay.response), { 'Idempotent-Replay': 'true' });
      const parsed = responseBody.safeParse(await body(req).catch(() => null));
      if (!parsed.success)
        return problem(
          res,
          400,
          'invalid_body',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const c = getCase(db, m[1]!);
      if (!c) return problem(res, 404, 'not_found', `No case ${m[1]}.`);
      if (c.status !== 'awaiting_email_reply')
        return problem(res, 409, 'conflict', `The case is ${c.status}, not awaiting an e-mail reply.`, { case: c });
      const at = new Date().toISOString();
      const u = updateCase(
        db,
        c.id,
        { status: parsed.data.outcome === 'approved' ? 'awaiting_tx_hash' : 'counterparty_rejected' },
        at,
      );
      const response = { response: { id: key, caseId: c.id, ...parsed.data }, case: u };
      db.prepare(
        'INSERT INTO counterparty_responses (idempotency_key, case_id, body, status, response, at) VALUES (?, ?, ?, 201, ?, ?)',
      ).run(key, c.id, JSON.stringify(parsed.data), JSON.stringify(response), at);
      changed();
      return json(res, 201, response);
    }
    m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/ivms101-repairs$/.exec(path);
    if (m && req.method === 'POST') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length < 8 || key.length > 100)
        return problem(res, 400, 'idempotency_key_required', 'Idempotency-Key header (8-100 characters) is required.');
      const replay = idempotent('ivms101_repairs', key);
      if (replay) return json(res, replay.status, JSON.parse(replay.response), { 'Idempotent-Replay': 'true' });
      const raw = await body(req).catch(() => undefined);
      if (raw === undefined) return problem(res, 400, 'invalid_json', 'The body is not JSON.');
      const parsed = repairBody.safeParse(raw);
      if (!parsed.success)
        return problem(
          res,
          400,
          'invalid_body',
          parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; '),
        );
      const c = getCase(db, m[1]!);
      if (!c) return problem(res, 404, 'not_found', `No case ${m[1]}.`);
      // Who repairs is who the credential says (the shared token records the name as claimed).
      const acting = actingName(who, req);
      if (who.kind === 'analyst' && parsed.data.analyst && parsed.data.analyst !== who.name)
        return problem(
          res,
          403,
          'not_your_name',
          `This credential is ${who.name}'s; it cannot repair as ${parsed.data.analyst}.`,
        );
      // The repair was made on a record: if ours is another one now, someone changed it first.
      if (opts.broken !== 'ignore-repair-base' && ivms101Digest(c.ivms101) !== parsed.data.baseDigest)
        return problem(
          res,
          409,
          'conflict',
          'The IVMS101 record changed since the repair was made on it (its SHA-256 differs).',
          { case: c },
        );
      const at = new Date().toISOString();
      const response = db.transaction(() => {
        const u = updateCase(db, c.id, { ivms101: parsed.data.ivms101 }, at);
        const r = {
          repair: { id: key, caseId: c.id, analyst: acting ?? parsed.data.analyst ?? null, receivedAt: at },
          case: u,
        };
        db.prepare(
          'INSERT INTO ivms101_repairs (idempotency_key, case_id, body, status, response, at) VALUES (?, ?, ?, 201, ?, ?)',
        ).run(key, c.id, JSON.stringify(parsed.data), JSON.stringify(r), at);
        return r;
      })();
      changed();
      return json(res, 201, response);
    }
    if (path === '/v1/reference/fx-rates' && req.method === 'GET') {
      const since = url.searchParams.get('since') ?? '';
      return json(res, 200, { rates: (opts.rates ?? []).filter((r) => r.asOf > since) });
    }
    if (path === '/v1/sanctions-lists' && req.method === 'GET')
      return json(res, 200, {
        lists: distributed().map((l) => ({ ...l, files: l.files.map(({ path: _p, ...f }) => f) })),
      });
    const file = /^\/v1\/sanctions-lists\/([a-z]+)\/files\/([A-Za-z0-9_.-]+)$/.exec(path);
    if (file && req.method === 'GET') {
      const f = distributed()
        .find((l) => l.source === file[1])
        ?.files.find((x) => x.name === file[2]);
      if (!f) return problem(res, 404, 'not_found', 'No such list file.');
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': f.size,
        'Cache-Control': 'no-store',
      });
      return void createReadStream(f.path).pipe(res);
    }
    if (path === '/v1/reference/vasps' && req.method === 'GET') {
      return json(res, 200, {
        vasps: VASPS.map((v) => ({
          vaspId: v.vaspId,
          name: v.name,
          jurisdiction: v.country,
          protocol: v.protocol,
          email: v.email,
        })),
      });
    }
    if (path === '/v1/exchange/create_tx' && req.method === 'POST') {
      if (!opts.makeCase) return problem(res, 501, 'not_available', 'This backend generates no traffic.');
      const c = addCase(opts.makeCase());
      return json(res, 201, { case: c });
    }
    m = /^\/v1\/exchange\/cases\/([A-Za-z0-9_-]{1,64})\/send_transaction$/.exec(path);
    if (m && req.method === 'POST') {
      const b = (await body(req).catch(() => ({}))) as { txHash?: unknown };
      if (typeof b.txHash !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(b.txHash))
        return problem(res, 400, 'invalid_body', 'txHash must be a 64-hex-digit transaction hash.');
      const c = getCase(db, m[1]!);
      if (!c) return problem(res, 404, 'not_found', `No case ${m[1]}.`);
      if (c.status !== 'awaiting_tx_hash')
        return problem(res, 409, 'conflict', `The case is ${c.status}, not awaiting a transaction hash.`, { case: c });
      const u = updateCase(db, c.id, { status: 'completed', txHash: b.txHash });
      changed();
      return json(res, 200, { case: u });
    }
    if (opts.testHooks && path === '/v1/test/inject' && req.method === 'POST') {
      const b = (await body(req)) as { raw: string };
      const seq = db.transaction(() => {
        const s = currentSeq(db) + 1;
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)").run(String(s));
        db.prepare('INSERT INTO feed_extra (seq, raw) VALUES (?, ?)').run(s, b.raw);
        return s;
      })();
      changed();
      return json(res, 201, { cursor: seq });
    }
    if (opts.testHooks && path === '/v1/test/cases' && req.method === 'POST') {
      const b = (await body(req)) as { case: CaseRecord };
      putCase(db, b.case);
      changed();
      return json(res, 201, { case: b.case });
    }
    return problem(res, 404, 'not_found', 'No such endpoint.');
  };

  /**
   * Four eyes at the backend: an approval is made with the approver's own credential, by someone
   * other than the proposer, who was enrolled before the proposal and not by the proposer.
   */
  const fourEyesRefusal = (
    input: z.infer<typeof decisionBody>,
    analyst: string,
    acting: string | null,
    who: Who,
    caseId: string,
  ): { code: string; message: string } | null => {
    if (who.kind === 'analyst' && !input.approvedBy && input.analyst && input.analyst !== who.name)
      return {
        code: 'not_your_name',
        message: `This credential is ${who.name}'s; it cannot decide as ${input.analyst}.`,
      };
    if (!input.approvedBy && !input.proposalId) return null;
    if (!input.approvedBy)
      return { code: 'approver_required', message: 'A decision approving a proposal names its approver (approvedBy).' };
    // The shared token proves no one in particular: names are recorded as claimed (docs: standalone vs connected).
    if (who.kind === 'analyst' && acting !== input.approvedBy)
      return {
        code: 'approver_mismatch',
        message: `approvedBy names ${input.approvedBy}, but the request is ${acting ?? 'unattributed'}'s: an approval is made with the approver's own credential.`,
      };
    const p = input.proposalId ? proposalById(db, input.proposalId) : null;
    if (input.proposalId && (!p || p.caseId !== caseId))
      return { code: 'unknown_proposal', message: `No proposal ${input.proposalId} on case ${caseId}.` };
    const proposer = p?.proposedBy ?? analyst;
    if (p && p.proposedBy !== analyst)
      return {
        code: 'proposer_mismatch',
        message: `Proposal ${p.id} was made by ${p.proposedBy}, not ${analyst}.`,
      };
    if (opts.broken !== 'allow-self-approval' && input.approvedBy === proposer)
      return {
        code: 'self_approval',
        message: `Four eyes: ${proposer} proposed this decision and cannot approve it; a different analyst must.`,
      };
    if (p && p.state !== 'awaiting_approval')
      return { code: 'proposal_closed', message: `Proposal ${p.id} was ${p.state.replace(/_/g, ' ')} already.` };
    const approver = who.kind === 'analyst' ? teamAnalyst(db, who.name) : null;
    if (p && approver && !(approver.enrolledAt < p.receivedAt))
      return {
        code: 'enrolled_after_proposal',
        message: `Four eyes: ${approver.name} was enrolled after the proposal was made, so cannot approve it.`,
      };
    if (p && approver && approver.enrolledBy === p.proposedBy)
      return {
        code: 'enrolled_by_proposer',
        message: `Four eyes: ${approver.name} was enrolled by ${p.proposedBy}, who proposed this decision.`,
      };
    return null;
  };

  /** The team endpoints (claims, proposals, the roster, the team feed); false when the path is not one. */
  const teamRoutes = async (req: IncomingMessage, res: ServerResponse, url: URL, who: Who): Promise<void | false> => {
    const path = url.pathname;
    const acting = actingName(who, req);
    const idempotent = async (run: () => Promise<{ status: number; body: unknown }>) => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length < 8 || key.length > 100)
        return problem(res, 400, 'idempotency_key_required', 'Idempotency-Key header (8-100 characters) is required.');
      const replay = teamReplay(db, key);
      if (replay) return json(res, replay.status, JSON.parse(replay.response), { 'Idempotent-Replay': 'true' });
      const out = await run();
      if (out.status === 201) rememberTeamAnswer(db, key, out.status, out.body);
      return json(res, out.status, out.body);
    };
    const refusal = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => ({
      status,
      body: { error: { code, message }, ...extra },
    });
    const readBody = async <T>(schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
      let raw: unknown;
      try {
        raw = await body(req);
      } catch {
        problem(res, 400, 'invalid_json', 'The body is not JSON.');
        return { ok: false };
      }
      const p = schema.safeParse(raw);
      if (!p.success) {
        badBody(res, p.error.issues);
        return { ok: false };
      }
      return { ok: true, value: p.data };
    };
    const supervisorOrOperator = () =>
      who.kind === 'shared' || who.role === 'supervisor'
        ? null
        : `Only a supervisor (or the exchange's operator) may change the team; ${who.name} is an analyst.`;

    if (path === '/v1/team/me' && req.method === 'GET')
      return json(
        res,
        200,
        who.kind === 'analyst' ? { kind: 'analyst', name: who.name, role: who.role } : { kind: 'shared' },
      );
    if (path === '/v1/team/analysts' && req.method === 'GET') return json(res, 200, { analysts: teamAnalysts(db) });
    if (path === '/v1/team/analysts' && req.method === 'POST') {
      const no = supervisorOrOperator();
      if (no) return problem(res, 403, 'forbidden', no);
      const b = await readBody(enrolBody);
      if (!b.ok) return;
      if (teamAnalyst(db, b.value.name))
        return problem(res, 409, 'conflict', `${b.value.name} is (or was) an analyst here; a name is never reused.`);
      const enrolled = enrolTeamAnalyst(db, b.value.name, b.value.role, who.kind === 'analyst' ? who.name : 'operator');
      changed();
      return json(res, 201, enrolled);
    }
    let m = /^\/v1\/team\/analysts\/([^/]{1,200})$/.exec(path);
    if (m && req.method === 'DELETE') {
      const no = supervisorOrOperator();
      if (no) return problem(res, 403, 'forbidden', no);
      const name = decodeURIComponent(m[1]!);
      const a = teamAnalyst(db, name);
      if (!a) return problem(res, 404, 'not_found', `No analyst ${name}.`);
      const removed =
        a.state === 'removed' ? a : removeTeamAnalyst(db, name, who.kind === 'analyst' ? who.name : 'operator');
      changed();
      return json(res, 200, { analyst: removed });
    }
    if (path === '/v1/team/changes' && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? '0');
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? '500')));
      if (!Number.isInteger(after) || after < 0)
        return problem(res, 400, 'invalid_cursor', 'after must be a non-negative integer cursor.');
      const page = teamChangesAfter(db, after, limit + 1);
      const items = page.slice(0, limit);
      return json(res, 200, {
        items,
        next: items.length ? items[items.length - 1]!.cursor : after,
        hasMore: page.length > limit,
      });
    }
    m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/assignment$/.exec(path);
    if (m && req.method === 'POST') {
      const caseId = m[1]!;
      return idempotent(async () => {
        const b = assignmentBody.safeParse(await body(req).catch(() => null));
        if (!b.success)
          return refusal(
            400,
            'invalid_body',
            b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        if (!getCase(db, caseId)) return refusal(404, 'not_found', `No case ${caseId}.`);
        const by = acting ?? 'unattributed';
        const event = db.transaction(() => {
          db.prepare('INSERT OR REPLACE INTO assignments (case_id, assignee, by, at) VALUES (?, ?, ?, ?)').run(
            caseId,
            b.data.assignee,
            by,
            b.data.at,
          );
          return appendTeamEvent(db, { type: 'assignment', at: b.data.at, by, caseId, assignee: b.data.assignee });
        })();
        changed();
        return { status: 201, body: { assignment: event } };
      });
    }
    m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/proposals$/.exec(path);
    if (m && req.method === 'POST') {
      const caseId = m[1]!;
      const key = String(req.headers['idempotency-key'] ?? '');
      return idempotent(async () => {
        const b = proposalBody.safeParse(await body(req).catch(() => null));
        if (!b.success)
          return refusal(
            400,
            'invalid_body',
            b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        if (who.kind === 'analyst' && acting !== b.data.proposedBy)
          return refusal(
            403,
            'not_your_name',
            `proposedBy names ${b.data.proposedBy}, but the request is ${acting ?? 'unattributed'}'s: a proposal is made with the proposer's own credential.`,
          );
        const c = getCase(db, caseId);
        if (!c) return refusal(404, 'not_found', `No case ${caseId}.`);
        if (!DECIDABLE.has(c.status))
          return refusal(409, 'conflict', `The case is ${c.status}: it cannot be decided now.`, { case: c });
        if (c.version !== b.data.caseVersion)
          return refusal(409, 'conflict', `The case is at version ${c.version}, not ${b.data.caseVersion}.`, {
            case: c,
          });
        const open = openProposalFor(db, caseId);
        if (open && open.id !== key)
          return refusal(409, 'conflict', `Case ${caseId} already has a proposal by ${open.proposedBy} waiting.`, {
            case: c,
          });
        const at = new Date().toISOString();
        const proposal: BackendProposal = {
          id: key,
          caseId,
          kind: b.data.kind,
          reasonCodes: b.data.reasonCodes,
          note: b.data.note ?? null,
          proposedBy: b.data.proposedBy,
          proposedAt: b.data.proposedAt,
          caseVersion: b.data.caseVersion,
          why: b.data.why,
          state: 'awaiting_approval',
          reviewedBy: null,
          reviewedAt: null,
          reviewNote: null,
          decisionId: null,
        };
        db.transaction(() => {
          putProposal(db, proposal, at);
          appendTeamEvent(db, { type: 'proposal', at, by: proposal.proposedBy, caseId, proposal });
        })();
        changed();
        return { status: 201, body: { proposal } };
      });
    }
    m = /^\/v1\/cases\/([A-Za-z0-9_-]{1,64})\/proposals\/([A-Za-z0-9_-]{8,100})\/decline$/.exec(path);
    if (m && req.method === 'POST') {
      const [caseId, proposalId] = [m[1]!, m[2]!];
      return idempotent(async () => {
        const b = declineBody.safeParse(await body(req).catch(() => null));
        if (!b.success)
          return refusal(
            400,
            'invalid_body',
            b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        const p = proposalById(db, proposalId);
        if (!p || p.caseId !== caseId) return refusal(404, 'not_found', `No proposal ${proposalId} on case ${caseId}.`);
        if (!acting) return refusal(403, 'forbidden', 'A review names its analyst.');
        if (acting === p.proposedBy)
          return refusal(403, 'self_approval', `Four eyes: ${acting} proposed this decision and cannot review it.`);
        if (p.state !== 'awaiting_approval')
          return refusal(409, 'conflict', `Proposal ${p.id} was ${p.state.replace(/_/g, ' ')} already.`);
        const { receivedAt, ...rest } = p;
        const reviewed: BackendProposal = {
          ...rest,
          state: 'declined',
          reviewedBy: acting,
          reviewedAt: b.data.reviewedAt,
          reviewNote: b.data.note ?? null,
        };
        db.transaction(() => {
          putProposal(db, reviewed, receivedAt);
          appendTeamEvent(db, { type: 'review', at: new Date().toISOString(), by: acting, caseId, proposal: reviewed });
        })();
        changed();
        return { status: 201, body: { proposal: reviewed } };
      });
    }
    return false;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    routes(req, res, url).catch(() => {
      if (!res.headersSent) problem(res, 500, 'internal', 'Internal error.');
      else res.end();
    });
  });
  const heartbeat = setInterval(() => streams.forEach((s) => s.write(': ping\n\n')), 15_000).unref();
  function addCase(c: CaseRecord): CaseRecord {
    putCase(db, c);
    changed();
    return c;
  }
  await new Promise<void>((ok, err) => {
    server.once('error', err);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    port,
    db,
    addCase,
    enrolAnalyst: (name, role = 'analyst') => {
      const { credential } = enrolTeamAnalyst(db, name, role, 'operator');
      changed();
      return credential;
    },
    changed,
    close: async () => {
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      db.close();
    },
  };
}
