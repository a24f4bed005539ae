import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { THEMES, ZOOM_STEPS } from '../../src-shared/appearance';
import { writeFileAtomic } from './atomic-file';

// Settings needed while the vault is locked (so they cannot live in the encrypted database).
// Nothing here is secret or personal.
const schema = z.object({
  idleLockMinutes: z.number().min(0.05).max(1440).default(15),
  /** Our own VASP's jurisdiction (ISO 3166-1 alpha-2): which rules apply to our side of a transfer. */
  homeJurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('DE'),
  /** An FX rate older than this (relative to the transfer) is flagged on the evaluation. */
  maxRateAgeHours: z
    .number()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** Name hits below this score are not raised (see docs/screening.md for how 0.88 was chosen). */
  screeningMinScore: z.number().min(0.5).max(1).default(0.88),
  /** Sanctions lists: warn in the status bar when the newest import or check of a list in force is older than this. */
  screeningWarnDays: z.number().int().min(1).max(365).default(7),
  /** …and refuse to accept cases when older than this (null: never block). */
  screeningBlockDays: z.number().int().min(1).max(365).nullable().default(30),
  /** A version with this share fewer entries than the one in force is refused unless confirmed. */
  screeningMaxShrink: z.number().min(0).max(1).default(0.2),
  /** A true match needs a second analyst's confirmation (with their own passphrase). */
  screeningTrueMatchFourEyes: z.boolean().default(true),
  /** Fetching lists: the sources fetched on a schedule while unlocked (none by default), how often, from where, through which proxy. */
  screeningFetch: z
    .object({
      sources: z.array(z.enum(['ofac', 'eu', 'un', 'uk', 'csl'])).default([]),
      everyHours: z
        .number()
        .min(1)
        .max(24 * 30)
        .default(24),
      from: z.enum(['official', 'backend']).default('official'),
      urls: z.partialRecord(z.enum(['ofac', 'eu', 'un', 'uk', 'csl']), z.url()).default({}),
      proxy: z.url().nullable().default(null),
    })
    .default({ sources: [], everyHours: 24, from: 'official', urls: {}, proxy: null }),
  /** How the workstation looks: follow the OS's light or dark choice, or the analyst's own (issue 18 point 15). */
  theme: z.enum(THEMES).default('system'),
  /** Page zoom in per cent, one of ZOOM_STEPS (Ctrl + / − / 0). */
  zoom: z
    .number()
    .refine((z) => (ZOOM_STEPS as readonly number[]).includes(z), 'one of the zoom steps')
    .default(100),
  /** The exchange backend (its token is kept in the encrypted database, never here). */
  backendUrl: z.url().nullable().default(null),
  /** Purge personal data whose retention period has ended: once a day while unlocked, or only on demand. */
  retentionSchedule: z.enum(['daily', 'off']).default('daily'),
  /** An open case older than this (from its creation at the backend) breaches the SLA. */
  slaHours: z
    .number()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** Which cases need a second analyst's approval before a decision leaves. */
  fourEyes: z
    .object({
      riskScoreAtLeast: z.number().int().min(0).max(100).nullable(),
      onSanctionsHit: z.boolean(),
      valueAtLeast: z.object({ amount: z.string(), currency: z.string() }).nullable(),
    })
    .default({ riskScoreAtLeast: 70, onSanctionsHit: true, valueAtLeast: { amount: '100000', currency: 'EUR' } }),
});
export type Preferences = z.infer<typeof schema>;

const file = (dataDir: string) => join(dataDir, 'preferences.json');

export function readPreferences(dataDir: string): Preferences {
  if (!existsSync(file(dataDir))) return schema.parse({});
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file(dataDir), 'utf8')));
    return parsed.success ? parsed.data : schema.parse({});
  } catch {
    // Unreadable or not JSON: the defaults, as for a missing file (preferences hold no evidence).
    return schema.parse({});
  }
}

export function writePreferences(dataDir: string, p: Preferences): void {
  writeFileAtomic(file(dataDir), JSON.stringify(schema.parse(p), null, 2));
}
