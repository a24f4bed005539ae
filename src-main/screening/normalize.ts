import anyAscii from 'any-ascii';

// Names are compared as tokens after: transliteration of other scripts to Latin (any-ascii),
// removal of diacritics, case and punctuation, removal of honorifics and company suffixes, and
// folding of the commonest transliteration variants (Mohammed/Muhammad, Sergei/Sergey…).
// Token order is ignored by the scorer, so "LAST, First" and "First Last" compare equal.

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'prof',
  'sir',
  'dame',
  'lord',
  'sheikh',
  'shaikh',
  'sheik',
  'haji',
  'hajji',
  'hadji',
  'mullah',
  'maulana',
  'mawlawi',
  'general',
  'gen',
  'colonel',
  'col',
  'captain',
  'capt',
  'major',
  'maj',
  'lt',
  'sgt',
  'imam',
  'emir',
  'amir',
]);

const COMPANY_SUFFIXES = new Set([
  'ltd',
  'limited',
  'llc',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'plc',
  'pte',
  'pty',
  'jsc',
  'ojsc',
  'cjsc',
  'pjsc',
  'ooo',
  'oao',
  'zao',
  'llp',
  'lp',
  'kg',
  'ab',
  'oy',
  'fze',
  'fzc',
  'fzco',
  'fz',
  'sdn',
  'bhd',
  'tbk',
  'cv',
  'establishment',
  'est',
  'group',
  'holding',
  'holdings',
  'trading',
  'the',
]);

// Frequent spellings of the same name in Latin script, folded to one form.
// A Map, not an object: a listed name may well contain the word "constructor".
const VARIANTS = new Map<string, string>();
for (const [canonical, forms] of Object.entries({
  muhammad: [
    'mohammed',
    'mohamed',
    'mohammad',
    'muhammed',
    'mohamad',
    'muhamad',
    'mohd',
    'mohamud',
    'mahomed',
    'mehmet',
    'muhamed',
  ],
  ahmad: ['ahmed', 'ahmet'],
  abdul: ['abdel', 'abdal', 'abdoul', 'abdallah', 'abdullah', 'abdulla'],
  husayn: ['hussein', 'husain', 'hussain', 'husein', 'housein', 'hossein'],
  hasan: ['hassan', 'hasaan'],
  yusuf: ['youssef', 'yousef', 'yusef', 'yousuf', 'youssouf', 'yussuf'],
  umar: ['omar', 'omer'],
  usama: ['osama', 'oussama'],
  khalid: ['khaled'],
  ali: ['aly'],
  ibrahim: ['ebrahim', 'ibraheem'],
  mustafa: ['mostafa', 'moustafa', 'mustapha'],
  abu: ['abou'],
  aleksandr: ['alexander', 'aleksander', 'alexandr', 'oleksandr'],
  sergey: ['sergei', 'serhiy', 'sergiy'],
  yury: ['yuri', 'yuriy', 'iouri', 'yurii'],
  dmitry: ['dmitri', 'dmitriy', 'dmytro'],
  andrey: ['andrei', 'andriy', 'andrii'],
  nikolay: ['nikolai', 'mykola'],
  mikhail: ['michail', 'mykhailo'],
  evgeny: ['evgeniy', 'yevgeny', 'yevgeniy', 'evgenii'],
  aleksey: ['alexei', 'alexey', 'aleksei', 'oleksiy', 'oleksii'],
  vladimir: ['volodymyr', 'wladimir'],
  konstantin: ['kostiantyn', 'constantin'],
  viktor: ['victor'],
})) {
  for (const f of forms) VARIANTS.set(f, canonical);
}

/** Anything beyond Latin script (Basic Latin to Latin Extended, and Latin Extended Additional). */
const NON_LATIN = /[^\u0020-\u024f\u1e00-\u1eff]/;

/** The name's comparison tokens, in their original order. */
export function nameTokens(name: string): string[] {
  let s = name;
  if (NON_LATIN.test(s)) {
    // any-ascii writes CJK syllables run together in capitals ("WuXinLi"): split them.
    s = anyAscii(s).replace(/([a-z])([A-Z])/g, '$1 $2');
  } else {
    s = anyAscii(s);
  }
  const raw = s
    // Dotted abbreviations ("S.A.", "B.V.", "L.L.C.") are one word, so they can be recognised as suffixes.
    .replace(/\b(?:[A-Za-z]\.){2,}/g, (m) => m.replace(/\./g, ''))
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const kept = raw.filter((t) => !HONORIFICS.has(t));
  const stripped = kept.filter((t) => !COMPANY_SUFFIXES.has(t));
  const tokens = stripped.length ? stripped : kept.length ? kept : raw;
  return tokens.map((t) => VARIANTS.get(t) ?? t);
}

/** Birth date as written in a list ("28 Jul 1963", "1963", "circa 1965", "1963-07-28") → YYYY[-MM-DD]. */
export function normalizeBirthDate(s: string): string | null {
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const dmy = /(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})/.exec(s);
  if (dmy) {
    const m = MONTHS.indexOf((dmy[2] ?? '').toLowerCase());
    if (m >= 0) return `${dmy[3]}-${String(m + 1).padStart(2, '0')}-${String(dmy[1]).padStart(2, '0')}`;
  }
  const year = /\b(1[89]\d\d|20\d\d)\b/.exec(s);
  return year ? (year[1] ?? null) : null;
}
