// One-off, mechanical migration of resources/rules/*.json to the issue-14 schema (docs/rule-pack.md):
// adds timeZone (+ timeZoneNote where a country has several zones: the capital's), verified:false with the
// reason, and makes every `exclusive` explicit (a missing one was read as inclusive, so false keeps
// behaviour). It changes no rule's content. Kept for the record; running it twice changes nothing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'resources', 'rules');
const zoneTab = readFileSync('/usr/share/zoneinfo/zone.tab', 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));
const zonesOf = (cc) => zoneTab.filter((r) => r[0] === cc).map((r) => r[2]);
// Countries with several zones: the capital's (named in the note).
const CAPITAL = {
  AR: ['America/Argentina/Buenos_Aires', 'Buenos Aires'],
  AU: ['Australia/Sydney', 'Canberra'],
  BR: ['America/Sao_Paulo', 'Brasília'],
  CA: ['America/Toronto', 'Ottawa'],
  CD: ['Africa/Kinshasa', 'Kinshasa'],
  CL: ['America/Santiago', 'Santiago'],
  CN: ['Asia/Shanghai', 'Beijing'],
  CY: ['Asia/Nicosia', 'Nicosia'],
  DE: ['Europe/Berlin', 'Berlin'],
  EC: ['America/Guayaquil', 'Quito'],
  ES: ['Europe/Madrid', 'Madrid'],
  FM: ['Pacific/Pohnpei', 'Palikir'],
  ID: ['Asia/Jakarta', 'Jakarta'],
  KI: ['Pacific/Tarawa', 'South Tarawa'],
  KZ: ['Asia/Almaty', 'Astana'],
  MH: ['Pacific/Majuro', 'Majuro'],
  MN: ['Asia/Ulaanbaatar', 'Ulaanbaatar'],
  MX: ['America/Mexico_City', 'Mexico City'],
  MY: ['Asia/Kuala_Lumpur', 'Kuala Lumpur'],
  NZ: ['Pacific/Auckland', 'Wellington'],
  PG: ['Pacific/Port_Moresby', 'Port Moresby'],
  PS: ['Asia/Hebron', 'Ramallah (West Bank)'],
  PT: ['Europe/Lisbon', 'Lisbon'],
  RU: ['Europe/Moscow', 'Moscow'],
  UA: ['Europe/Kyiv', 'Kyiv'],
  US: ['America/New_York', 'Washington, D.C.'],
  UZ: ['Asia/Tashkent', 'Tashkent'],
};
const SPECIAL = {
  EU: [
    'Europe/Brussels',
    'Group file: a member state is always evaluated in its own time zone; this zone is used only if the group itself is named.',
  ],
  XK: [
    'Europe/Belgrade',
    'Kosovo has no entry of its own in the IANA zone table; Pristina keeps Central European Time, which Europe/Belgrade carries.',
  ],
};

const explicit = (m) => (m && m.exclusive === undefined ? { ...m, exclusive: false } : m);

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
  .sort()) {
  const code = file.replace(/\.json$/, '');
  const f = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  let timeZone;
  let timeZoneNote;
  if (SPECIAL[code]) [timeZone, timeZoneNote] = SPECIAL[code];
  else {
    const zones = zonesOf(code);
    if (zones.length === 1) timeZone = zones[0];
    else if (CAPITAL[code]) {
      timeZone = CAPITAL[code][0];
      timeZoneNote = `${zones.length} zones; the capital's (${CAPITAL[code][1]}) is used for effective dates.`;
    } else throw new Error(`${file}: no time zone for ${code} (${zones.length} zones)`);
  }
  const out = {};
  for (const [k, v] of Object.entries(f)) {
    if (['timeZone', 'timeZoneNote', 'verified', 'verification'].includes(k)) continue;
    out[k] = v;
    if (k === 'authority') {
      out.timeZone = f.timeZone ?? timeZone;
      if (f.timeZoneNote ?? timeZoneNote) out.timeZoneNote = f.timeZoneNote ?? timeZoneNote;
      out.verified = f.verified ?? false;
      out.verification = f.verification ?? {
        checkedOn: '2026-11-29',
        reason:
          f.provenance === 'curated'
            ? 'Curated before issue 14; not yet re-checked article by article against the primary text.'
            : 'Copied from the reference data (cogentic-co/crypto-travel-rules); not checked against the primary text.',
      };
    }
  }
  out.versions = f.versions.map((v) =>
    v.regime === 'travel_rule'
      ? {
          ...v,
          threshold: explicit(v.threshold),
          tiers: v.tiers.map((t) => (t.from ? { ...t, from: explicit(t.from) } : t)),
          unhostedWallet: v.unhostedWallet.from
            ? { ...v.unhostedWallet, from: explicit(v.unhostedWallet.from) }
            : v.unhostedWallet,
        }
      : v,
  );
  writeFileSync(join(dir, file), JSON.stringify(out, null, 2) + '\n');
}
