import type { SavedView } from '../../src-shared/contract';
import type { ReadableDB, WritableDB } from './db';

// Saved queue views live in the encrypted database: a filter can hold a name or a wallet.

export function listViews(db: ReadableDB): SavedView[] {
  return (
    db.prepare('SELECT name, query, created_by FROM saved_views ORDER BY name').all() as {
      name: string;
      query: string;
      created_by: string;
    }[]
  ).map((r) => {
    const q = JSON.parse(r.query) as Pick<SavedView, 'filter' | 'sort'>;
    return { name: r.name, filter: q.filter, sort: q.sort, createdBy: r.created_by };
  });
}

export function saveView(db: WritableDB, v: Omit<SavedView, 'createdBy'>, actor: string): void {
  db.prepare(
    'INSERT INTO saved_views (name, query, created_by, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET query = excluded.query',
  ).run(v.name, JSON.stringify({ filter: v.filter, sort: v.sort }), actor, new Date().toISOString());
}

export function deleteView(db: WritableDB, name: string): void {
  db.prepare('DELETE FROM saved_views WHERE name = ?').run(name);
}
