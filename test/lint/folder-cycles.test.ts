import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';

// Issue 19 point 4: the folders of src-main form layers. A folder may import a lower one, never one
// that (through any path) imports it back: a cycle means a rule with no clear home and a change that
// ripples both ways. platform/ is the bottom everyone may use; api/, cli/, bridge/ and electron/ the top.

type Graph = Map<string, Map<string, string[]>>;

/** Folder → folder it imports → the files that do. Tests are left out: they may reach anywhere. */
export function folderGraph(src: string): Graph {
  const graph: Graph = new Map();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
  for (const file of walk(src)) {
    const from = relative(src, file).split('/')[0]!;
    const text = readFileSync(file, 'utf8');
    // Static imports and re-exports (type-only ones too: they tie the layers as much), and dynamic import().
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
    )) {
      const target = relative(src, resolve(dirname(file), (m[1] ?? m[2])!));
      if (target.startsWith('..')) continue; // src-shared and the like: outside the graph
      const to = target.split('/')[0]!;
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges.set(to, [...(edges.get(to) ?? []), relative(src, file)]));
    }
  }
  return graph;
}

/** Every cycle's folders (strongly connected components of more than one folder), Tarjan's algorithm. */
export function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((e) => [...e.keys()])]);
  for (const n of [...nodes].sort()) if (!index.has(n)) visit(n);
  return found;
}

/** The imports inside a cycle, named by file, so a failure says what to move. */
function explain(graph: Graph, component: string[]): string {
  return component
    .flatMap((a) =>
      [...(graph.get(a) ?? [])]
        .filter(([b]) => component.includes(b))
        .map(([b, files]) => `${a} → ${b} (${files.join(', ')})`),
    )
    .join('; ');
}

describe('the folders of src-main form layers', () => {
  it('have no import cycle between folders', () => {
    const graph = folderGraph(join(ROOT, 'src-main'));
    expect(graph.size).toBeGreaterThan(10); // it did read the tree
    expect(cycles(graph).map((c) => explain(graph, c))).toEqual([]);
  });

  it('platform/ imports no other folder of src-main', () => {
    expect([...(folderGraph(join(ROOT, 'src-main')).get('platform')?.keys() ?? [])]).toEqual([]);
  });

  it('the cycle finder finds a cycle, through any length of path', () => {
    const g: Graph = new Map([
      ['app', new Map([['sync', ['app/w.ts']]])],
      ['sync', new Map([['store', ['sync/e.ts']]])],
      [
        'store',
        new Map([
          ['app', ['store/c.ts']],
          ['platform', ['store/d.ts']],
        ]),
      ],
      ['api', new Map([['app', ['api/h.ts']]])],
    ]);
    expect(cycles(g)).toEqual([['app', 'store', 'sync']]);
    expect(explain(g, ['app', 'store', 'sync'])).toContain('store → app (store/c.ts)');
    g.get('store')!.delete('app');
    expect(cycles(g)).toEqual([]);
  });
});
