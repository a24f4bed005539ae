import type { Preferences } from '../platform/preferences';
import type { ReadableDB } from '../store/db';
import { OFFICIAL_URLS } from './fetch';
import { listVersions, type ListVersion } from './store';
import { LIST_SOURCES, type ListSource } from './types';

// The lists as the Sanctions screen and the status bar see them: which version of each source is in
// force, how old it is against the freshness policy, and the history of versions.

export type Freshness = 'fresh' | 'warn' | 'block' | 'none';

export interface SourceStatus {
  source: ListSource;
  inForce: ListVersion | null;
  /** Whole days since the version in force was imported or last found current by a fetch. */
  ageDays: number | null;
  freshness: Freshness;
  officialUrl: string;
}

export interface ScreeningPolicy {
  warnDays: number;
  blockDays: number | null;
  maxShrink: number;
  trueMatchFourEyes: boolean;
  fetch: Preferences['screeningFetch'];
}

export interface ScreeningStatus {
  sources: SourceStatus[];
  history: ListVersion[];
  policy: ScreeningPolicy;
  /** For the status bar: one sentence, or null when every list in force is fresh. */
  warning: string | null;
  /** Why acceptance is refused now, or null. */
  blocked: string | null;
}

export const policyOf = (p: Preferences): ScreeningPolicy => ({
  warnDays: p.screeningWarnDays,
  blockDays: p.screeningBlockDays,
  maxShrink: p.screeningMaxShrink,
  trueMatchFourEyes: p.screeningTrueMatchFourEyes,
  fetch: p.screeningFetch,
});

const DAY = 86_400_000;

/**
 * Age counts from when we last knew the version was current: its import, or a later fetch that found
 * the publisher still publishing the same files. A source with no list in force has no age: it is
 * shown as "not imported", and screening says "not screened" for it, never "clear".
 */
export function screeningStatus(db: ReadableDB, p: Preferences, now = Date.now()): ScreeningStatus {
  const history = listVersions(db);
  const policy = policyOf(p);
  const sources = LIST_SOURCES.map((source): SourceStatus => {
    const inForce = history.find((v) => v.source === source && v.active) ?? null;
    const since = inForce ? Date.parse(inForce.checkedAt ?? inForce.importedAt) : NaN;
    const ageDays = inForce ? Math.max(0, Math.floor((now - since) / DAY)) : null;
    const freshness: Freshness =
      ageDays === null
        ? 'none'
        : policy.blockDays !== null && ageDays > policy.blockDays
          ? 'block'
          : ageDays > policy.warnDays
            ? 'warn'
            : 'fresh';
    return { source, inForce, ageDays, freshness, officialUrl: p.screeningFetch.urls[source] ?? OFFICIAL_URLS[source] };
  });
  const stale = sources.filter((s) => s.freshness === 'warn' || s.freshness === 'block');
  const blocking = sources.filter((s) => s.freshness === 'block');
  return {
    sources,
    history: [...history].reverse(),
    policy,
    warning: stale.length
      ? `Sanctions list${stale.length > 1 ? 's' : ''} out of date: ${stale.map((s) => `${s.source.toUpperCase()} ${s.ageDays} days old`).join(', ')} (policy: ${policy.warnDays} days)`
      : null,
    blocked: blocking.length
      ? `Acceptance is blocked: ${blocking.map((s) => `${s.source.toUpperCase()} is ${s.ageDays} days old`).join(', ')}, more than the ${policy.blockDays} days the policy allows. Import or fetch a current list.`
      : null,
  };
}
