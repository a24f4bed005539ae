import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import countries from 'i18n-iso-countries';
import { resourcesDir } from '../platform/paths';

// ISO 3166-1 alpha-2 from a maintained package (i18n-iso-countries), not a hand-typed list.
// It also lists XK (Kosovo), which is user-assigned, not ISO 3166-1: C3 allows only ISO codes and XX.
const ISO_ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()).filter((c) => c !== 'XK'));
export const USER_ASSIGNED_COUNTRIES = new Set(['XK']);

export function isIsoCountry(code: string): boolean {
  return code === 'XX' || ISO_ALPHA2.has(code);
}

let registrationAuthorities: Set<string> | null = null;

/** GLEIF's Registration Authorities List, shipped as resource data (constraint C10). */
export function gleifRegistrationAuthorities(): Set<string> {
  if (!registrationAuthorities) {
    const file = join(resourcesDir(), 'gleif', 'registrationAuthorities.json');
    const list = JSON.parse(readFileSync(file, 'utf8')) as { option: string }[];
    registrationAuthorities = new Set(list.map((r) => r.option));
  }
  return registrationAuthorities;
}
