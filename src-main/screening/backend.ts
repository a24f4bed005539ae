import type { FetchPlan } from './fetch';
import { ListFormatError, type ListSource } from './types';

// Lists distributed by the exchange backend (resources/openapi.yaml, "Sanctions lists"):
// GET /v1/sanctions-lists names each source's current files with their size and SHA-256;
// each file is then downloaded and checked against that digest before it is parsed.

export interface DistributedList {
  source: string;
  label: string;
  publishedAt: string | null;
  files: { name: string; size: number; sha256: string; href: string }[];
}

/** What the plan needs of the backend client (sync/client.ts's BackendClient): its URL and a GET. */
export interface ListsBackend {
  url: string;
  get(path: string): Promise<unknown>;
}

export async function backendPlan(client: ListsBackend, token: string, source: ListSource): Promise<FetchPlan> {
  const where = `${client.url}/v1/sanctions-lists`;
  let body: unknown;
  try {
    body = await client.get('/v1/sanctions-lists');
  } catch (e) {
    throw new ListFormatError(
      where,
      `the backend did not list its sanctions lists (${e instanceof Error ? e.message : 'error'})`,
      'download',
    );
  }
  const lists = (body as { lists?: unknown }).lists;
  if (!Array.isArray(lists)) throw new ListFormatError(where, 'the answer has no "lists" array', 'download');
  const l = (lists as DistributedList[]).find((x) => x && x.source === source);
  if (!l) throw new ListFormatError(where, `the backend distributes no ${source} list`, 'download');
  if (!Array.isArray(l.files) || l.files.length === 0)
    throw new ListFormatError(where, `the ${source} list has no files`, 'download');
  return {
    origin: `backend ${new URL(client.url).host}`,
    files: l.files.map((f, i) => {
      if (typeof f?.name !== 'string' || typeof f.href !== 'string' || !/^[0-9a-f]{64}$/i.test(f.sha256 ?? ''))
        throw new ListFormatError(
          `${where}: ${source} file #${i + 1}`,
          'needs a name, an href and a SHA-256',
          'download',
        );
      // Only from the backend itself: the token is never sent anywhere else.
      const url = new URL(f.href, client.url + '/');
      if (url.origin !== new URL(client.url).origin)
        throw new ListFormatError(`${where}: ${f.name}`, `is served from ${url.origin}, not the backend`, 'download');
      return { url: url.href, name: f.name, sha256: f.sha256, headers: { Authorization: `Bearer ${token}` } };
    }),
  };
}
