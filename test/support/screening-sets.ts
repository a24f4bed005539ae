import type { SanctionsEntry } from '../../src-main/screening/types';

// Test sets for screening quality: name variations of listed individuals (recall), and ordinary
// names that are not on the list (precision). Written for the tests; not product data.

const GIVEN = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'Michael',
  'Jennifer',
  'William',
  'Linda',
  'David',
  'Elizabeth',
  'Lukas',
  'Anna',
  'Jonas',
  'Lea',
  'Camille',
  'Louis',
  'Chloe',
  'Hugo',
  'Lucia',
  'Mateo',
  'Daan',
  'Sanne',
  'Oliver',
  'Amelia',
  'Sophie',
  'Noah',
  'Mei',
  'Jing',
  'Haruto',
  'Yui',
  'Minjun',
  'Seoyeon',
  'Aarav',
  'Priya',
  'Chinedu',
  'Ngozi',
  'Lars',
  'Ingrid',
  'Matteo',
  'Giulia',
];
// ("Wei" was replaced by "Mei": "Wei Zhang" is a listed name, which the precision test rightly refused.)
const FAMILY = [
  'Thompson',
  'Anderson',
  'Fischer',
  'Becker',
  'Dubois',
  'Lefebvre',
  'Moreno',
  'Navarro',
  'Visser',
  'Janssen',
  'Hughes',
  'Cooper',
  'Lindqvist',
  'Nakamura',
  'Yamamoto',
  'Tanaka',
  'Kowalski',
  'Novak',
  'Horvat',
  'Okafor',
  'Adeyemi',
  'Sharma',
  'Patel',
  'Kaur',
  'Zhang',
  'Liu',
  'Park',
  'Choi',
  'Rossi',
  'Bianchi',
  'Svensson',
  'Hansen',
  'Nielsen',
  'Murphy',
  'Kelly',
  "O'Brien",
  'Schneider',
  'Wagner',
  'Bauer',
  'Richter',
];

/** 200 ordinary names: given × family pairs chosen by a fixed stride (deterministic). */
export function ordinaryNames(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < 200; i++)
    out.push(`${GIVEN[i % GIVEN.length]} ${FAMILY[(i * 7 + Math.floor(i / GIVEN.length)) % FAMILY.length]}`);
  return [...new Set(out)];
}

const TRANSLIT: [RegExp, string][] = [
  [/\bMUHAMMAD\b/i, 'Mohamed'],
  [/\bMOHAMMED\b/i, 'Muhammad'],
  [/\bAHMAD\b/i, 'Ahmed'],
  [/\bYUSUF\b/i, 'Youssef'],
  [/\bHUSSEIN\b/i, 'Husain'],
  [/\bSERGEY\b/i, 'Sergei'],
  [/\bALEKSANDR\b/i, 'Alexander'],
  [/\bDMITRIY\b/i, 'Dmitri'],
  [/\bYURIY\b/i, 'Yuri'],
];

const LATIN_TO_CYRILLIC: [string, string][] = [
  ['shch', 'щ'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ts', 'ц'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['yo', 'ё'],
  ['a', 'а'],
  ['b', 'б'],
  ['v', 'в'],
  ['g', 'г'],
  ['d', 'д'],
  ['e', 'е'],
  ['z', 'з'],
  ['i', 'и'],
  ['y', 'й'],
  ['k', 'к'],
  ['l', 'л'],
  ['m', 'м'],
  ['n', 'н'],
  ['o', 'о'],
  ['p', 'п'],
  ['r', 'р'],
  ['s', 'с'],
  ['t', 'т'],
  ['u', 'у'],
  ['f', 'ф'],
];
function toCyrillic(s: string): string {
  let out = s.toLowerCase();
  for (const [l, c] of LATIN_TO_CYRILLIC) out = out.split(l).join(c);
  return out;
}

const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ö', u: 'ü', n: 'ñ', c: 'ç' };

export interface Variant {
  kind: 'reordered' | 'dropped middle name' | 'diacritics' | 'transliteration' | 'Cyrillic script';
  query: string;
  entryId: string;
}

/** "LAST, First Middle" → its parts. OFAC writes individuals this way. */
function split(name: string): { last: string[]; given: string[] } | null {
  const m = /^([^,]+),\s*(.+)$/.exec(name);
  if (!m) return null;
  return { last: (m[1] ?? '').trim().split(/\s+/), given: (m[2] ?? '').trim().split(/\s+/) };
}

export function variations(entries: SanctionsEntry[], perKind = 150): Variant[] {
  const out: Variant[] = [];
  const counts = new Map<string, number>();
  const add = (v: Variant) => {
    const n = counts.get(v.kind) ?? 0;
    if (n >= perKind) return;
    counts.set(v.kind, n + 1);
    out.push(v);
  };
  for (const e of entries) {
    if (e.kind !== 'individual') continue;
    const name = e.names[0] ?? '';
    const p = split(name);
    if (!p || !p.given.length) continue;
    if (/[^A-Za-z ,'-]/.test(name)) continue;
    add({ kind: 'reordered', query: [...p.given, ...p.last].join(' '), entryId: e.entryId });
    if (p.given.length >= 2)
      add({ kind: 'dropped middle name', query: [p.given[0], ...p.last].join(' '), entryId: e.entryId });
    const accented = [...p.given, ...p.last].join(' ').replace(/[aeiounc]/i, (ch) => ACCENTS[ch.toLowerCase()] ?? ch);
    if (accented !== [...p.given, ...p.last].join(' '))
      add({ kind: 'diacritics', query: accented, entryId: e.entryId });
    const t = TRANSLIT.find(([re]) => re.test(name));
    if (t)
      add({
        kind: 'transliteration',
        query: [...p.given, ...p.last].join(' ').replace(t[0], t[1]),
        entryId: e.entryId,
      });
    if (
      e.programs.some((x) => /RUSSIA|UKRAINE|CYBER/.test(x)) &&
      /^[A-Za-z ]+$/.test([...p.given, ...p.last].join(' '))
    ) {
      add({ kind: 'Cyrillic script', query: toCyrillic([...p.given, ...p.last].join(' ')), entryId: e.entryId });
    }
  }
  return out;
}
