import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { tempDir } from '../../test/support/temp';
import { evaluateCase } from './evaluate';
import { memoryRates } from './fx';
import { DEFAULT_RULES_DIR, loadRulePack, ruleInForce } from './pack';

const t = tempDir();
afterAll(() => t.cleanup());

describe('the rule pack', () => {
  const dir = DEFAULT_RULES_DIR();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_'));

  it('loads every file without an error', () => {
    const pack = loadRulePack(dir);
    expect(pack.errors).toEqual([]);
    expect(pack.files.size).toBe(files.length);
  });

  it('covers all EU/EEA states and the named jurisdictions', () => {
    const pack = loadRulePack(dir);
    const eu = pack.files.get('EU');
    expect(eu?.members).toHaveLength(30);
    for (const m of eu?.members ?? []) expect(pack.files.get(m)?.group, m).toBe('EU');
    for (const c of ['US', 'GB', 'CH', 'SG', 'JP', 'CA', 'TR', 'KR', 'HK', 'AE', 'AU'])
      expect(pack.files.get(c)?.provenance, c).toBe('curated');
  });

  it.each(files)('%s cites its sources, for the file and for every rule version', (file) => {
    const f = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      sources?: unknown[];
      versions?: { sources?: unknown[] }[];
    };
    expect(f.sources?.length ?? 0).toBeGreaterThan(0);
    for (const v of f.versions ?? []) expect(v.sources?.length ?? 0).toBeGreaterThan(0);
  });

  it('records retention periods: 5 years by default, Turkey 8', () => {
    const pack = loadRulePack(dir);
    expect(pack.files.get('TR')?.retentionYears).toBe(8);
    expect(pack.files.get('FR')?.retentionYears).toBe(5);
  });

  it('a broken file is an error naming the file and field, and every other jurisdiction still evaluates', () => {
    const broken = join(t.dir, 'rules');
    cpSync(dir, broken, { recursive: true });
    const sg = JSON.parse(readFileSync(join(broken, 'SG.json'), 'utf8'));
    sg.versions[0].threshold.amount = 'fifteen hundred';
    writeFileSync(join(broken, 'SG.json'), JSON.stringify(sg));
    writeFileSync(join(broken, 'CA.json'), '{ not json');
    const nosrc = JSON.parse(readFileSync(join(broken, 'KR.json'), 'utf8'));
    nosrc.versions[0].sources = [];
    writeFileSync(join(broken, 'KR.json'), JSON.stringify(nosrc));

    const pack = loadRulePack(broken);
    expect(pack.errors).toEqual([
      { file: 'CA.json', field: '(file)', message: 'is not valid JSON' },
      { file: 'KR.json', field: 'versions.0.sources', message: 'every rule must cite at least one source' },
      {
        file: 'SG.json',
        field: 'versions.0.threshold.amount',
        message: 'must be a decimal number written as a string',
      },
    ]);
    expect([...pack.broken.keys()].sort()).toEqual(['CA', 'KR', 'SG']);

    const rates = memoryRates([
      { base: 'EUR', quote: 'USD', rate: '1.1', asOf: '2026-11-01T00:00:00Z', source: 'test' },
    ]);
    const toSg = evaluateCase(
      caseWith({ counterparty: 'SG', value: '10', currency: 'EUR', at: '2026-11-02T00:00:00Z' }),
      { pack, rates, homeJurisdiction: 'US' },
    ).result;
    expect(toSg.outcome).toBe('cannot_evaluate');
    expect(toSg.why.join(' ')).toMatch(
      /the rule file SG\.json is broken \(versions\.0\.threshold\.amount: must be a decimal number/,
    );
    const toUs = evaluateCase(
      caseWith({ counterparty: 'US', value: '5000', currency: 'EUR', at: '2026-11-02T00:00:00Z' }),
      { pack, rates, homeJurisdiction: 'DE' },
    ).result;
    expect(toUs.outcome).toBe('applies');
    expect(toUs.sides.map((s) => s.status)).toEqual(['applies', 'applies']);
  });

  it('refuses overlapping versions', () => {
    const odd = join(t.dir, 'overlap');
    cpSync(dir, odd, { recursive: true });
    const jp = JSON.parse(readFileSync(join(odd, 'JP.json'), 'utf8'));
    jp.versions[1].effectiveTo = '2023-06-15';
    writeFileSync(join(odd, 'JP.json'), JSON.stringify(jp));
    expect(loadRulePack(odd).errors).toEqual([
      {
        file: 'JP.json',
        field: 'versions.1.effectiveTo',
        message: 'overlaps version JP-APTCP-2023, which starts 2023-06-01',
      },
    ]);
  });
});

describe('the issue-14 schema fails clearly and locally', () => {
  const dir = DEFAULT_RULES_DIR();
  interface RawFile {
    timeZone: string;
    verified: boolean;
    verification: { checkedOn: string; reason?: string };
    sources: unknown[];
    versions: { threshold: { exclusive?: boolean }; effectiveFrom: string | null }[] | unknown[];
  }
  const mutate = (name: string, code: string, change: (f: RawFile) => void) => {
    const d = join(t.dir, name);
    cpSync(dir, d, { recursive: true });
    const f = JSON.parse(readFileSync(join(d, `${code}.json`), 'utf8')) as RawFile;
    change(f);
    writeFileSync(join(d, `${code}.json`), JSON.stringify(f));
    const pack = loadRulePack(d);
    expect([...pack.broken.keys()]).toEqual([code]);
    return pack.errors;
  };

  it('every file has a legal time zone, a verified flag and (unverified) a reason', () => {
    const pack = loadRulePack(dir);
    for (const f of pack.files.values()) {
      expect(f.timeZone, f.jurisdiction).toMatch(/\//);
      if (!f.verified) expect(f.verification.reason, f.jurisdiction).toBeTruthy();
    }
    expect(pack.files.get('NL')?.timeZone).toBe('Europe/Amsterdam');
    expect(pack.files.get('US')?.timeZoneNote).toMatch(/Washington/);
  });

  it("a threshold without `exclusive` is refused: the boundary is the law's words, never a default", () => {
    const errors = mutate(
      'noexcl',
      'KR',
      (f) => delete (f.versions[0] as { threshold: { exclusive?: boolean } }).threshold.exclusive,
    );
    expect(errors).toEqual([
      {
        file: 'KR.json',
        field: 'versions.0.threshold.exclusive',
        message: expect.stringMatching(/"above\/more than".*"or more/),
      },
    ]);
  });

  it('an unknown time zone is refused by name', () => {
    const errors = mutate('badtz', 'JP', (f) => (f.timeZone = 'Asia/Edo'));
    expect(errors).toEqual([
      { file: 'JP.json', field: 'timeZone', message: 'must be an IANA time zone, e.g. Europe/Amsterdam' },
    ]);
  });

  it('an unverified file must say why', () => {
    const errors = mutate('noreason', 'SG', (f) => (f.verification = { checkedOn: '2026-11-29' }));
    expect(errors).toEqual([
      {
        file: 'SG.json',
        field: 'verification.reason',
        message: 'an unverified rule must say what could not be verified and why',
      },
    ]);
  });

  it('an unknown start date needs inForceBy (no invented date)', () => {
    // SG: an unverified file (a verified version with no start would also fail as verified).
    const errors = mutate(
      'nostart',
      'SG',
      (f) => ((f.versions[0] as { effectiveFrom: string | null }).effectiveFrom = null),
    );
    expect(errors).toEqual([
      { file: 'SG.json', field: 'versions.0.inForceBy', message: expect.stringMatching(/start date is unknown/) },
    ]);
  });

  // Verification is per version and per field (issue 14): a version claiming verified without the five
  // citations fails by file, version and field, and only that jurisdiction stops evaluating.
  it('a version claiming verified without its five citations fails, naming file, version and field', () => {
    const errors = mutate('noquote', 'CA', (f) => {
      const v = f.versions[0] as { version: string; threshold: { text?: string }; verification?: unknown };
      delete v.threshold.text;
      v.verification = {
        verified: true,
        checkedOn: '2026-11-29',
        fields: {
          threshold: [{ label: 'PCMLTFR', url: 'https://laws-lois.justice.gc.ca/', article: 's. 124.1' }],
          tiers: [{ label: 'PCMLTFR', url: 'https://laws-lois.justice.gc.ca/', article: 's. 124.1(1)' }],
        },
      };
    });
    const v = 'version CA-';
    expect(errors).toEqual([
      {
        file: 'CA.json',
        field: 'versions.0.verification.fields.threshold',
        message: expect.stringMatching(
          new RegExp(`^${v}.* claims verified but does not quote the words that decide its threshold`),
        ),
      },
      {
        file: 'CA.json',
        field: 'versions.0.verification.fields.effectiveFrom',
        message: expect.stringMatching(/claims verified but cites no primary text for its effective date$/),
      },
      {
        file: 'CA.json',
        field: 'versions.0.verification.fields.selfHosted',
        message: expect.stringMatching(/cites no primary text for its self-hosted wallet duties$/),
      },
      {
        file: 'CA.json',
        field: 'versions.0.verification.fields.retention',
        message: expect.stringMatching(/cites no primary text for its retention period$/),
      },
      {
        file: 'CA.json',
        field: 'versions.0.threshold.text',
        message: expect.stringMatching(/claims verified but does not quote its threshold wording$/),
      },
    ]);
  });

  it('a citation must name the article read; an unverified version must say why; "none_known" is never verified', () => {
    const cite = { label: 'x', url: 'https://example.org/', quote: 'q' };
    expect(
      mutate('noarticle', 'KR', (f) => {
        (f.versions[0] as { verification?: unknown }).verification = {
          verified: false,
          checkedOn: '2026-11-29',
          reason: 'r',
          fields: { threshold: [cite] },
        };
      }),
    ).toEqual([
      {
        file: 'KR.json',
        field: 'versions.0.verification.fields.threshold.0.article',
        message: expect.stringMatching(/expected string|must name the article/),
      },
    ]);
    expect(
      mutate('noreason-v', 'KR', (f) => {
        (f.versions[0] as { verification?: unknown }).verification = { verified: false, checkedOn: '2026-11-29' };
      }),
    ).toEqual([
      {
        file: 'KR.json',
        field: 'versions.0.verification.reason',
        message: 'version KR-SFTI-2022 is unverified: say what could not be verified and why',
      },
    ]);
    expect(
      mutate('nk', 'MX', (f) => {
        (f.versions[0] as { verification?: unknown }).verification = { verified: true, checkedOn: '2026-11-29' };
      }),
    ).toEqual([
      {
        file: 'MX.json',
        field: 'versions.0.verification.verified',
        message: expect.stringMatching(/"none_known" \(we do not know\), which cannot be verified/),
      },
    ]);
  });

  it('a version with all five fields cited loads verified; the flag and "unverified rule" follow the version', () => {
    const d = join(t.dir, 'allfive');
    cpSync(dir, d, { recursive: true });
    const kr = JSON.parse(readFileSync(join(d, 'KR.json'), 'utf8')) as {
      verified?: boolean;
      versions: { verification?: unknown }[];
    };
    const c = (article: string, quote?: string) => [
      { label: 'Enforcement Decree', url: 'https://www.law.go.kr/', article, ...(quote ? { quote } : {}) },
    ];
    kr.versions[0]!.verification = {
      verified: true,
      checkedOn: '2026-11-29',
      fields: {
        threshold: c('Art. 10-10', 'KRW 1 million or more'),
        effectiveFrom: c('Addenda Art. 1', 'shall enter into force on 25 March 2022'),
        tiers: c('Art. 10-10(1)'),
        selfHosted: c('Art. 10-10(2)'),
        retention: c('Art. 5-4'),
      },
    };
    delete kr.verified;
    writeFileSync(join(d, 'KR.json'), JSON.stringify(kr));
    const pack = loadRulePack(d);
    expect(pack.errors).toEqual([]);
    // KR has one version: the jurisdiction is verified once it is.
    expect(pack.files.get('KR')?.verified).toBe(kr.versions.length === 1);
    const r = ruleInForce(pack, 'KR', '2024-01-01');
    expect(r).toMatchObject({ ok: true, verified: true, verificationReason: null });
    // An unverified version still decides "unverified", whatever the file's other versions are.
    expect(ruleInForce(pack, 'SG', '2024-01-01')).toMatchObject({ verified: false });
  });

  it("a member is verified once its own versions are and they cover the group's unverified period", () => {
    const cite = (article: string) => [{ label: 'x', url: 'https://example.org/', article, quote: 'q' }];
    const load = (start: string) => {
      const d = join(t.dir, `member-${start}`);
      cpSync(dir, d, { recursive: true });
      const fr = JSON.parse(readFileSync(join(d, 'FR.json'), 'utf8')) as {
        versions: { effectiveFrom: string; verification?: unknown }[];
      };
      fr.versions[0]!.effectiveFrom = start;
      fr.versions[0]!.verification = {
        verified: true,
        checkedOn: '2026-11-29',
        fields: { regime: cite('Code monétaire et financier'), effectiveFrom: cite('TFR Art. 40') },
      };
      writeFileSync(join(d, 'FR.json'), JSON.stringify(fr));
      return loadRulePack(d);
    };
    // FR-pre-TFR spans exactly the EU's pre-TFR period: the EU version never decides for France.
    const whole = load('2009-01-03');
    expect(whole.errors).toEqual([]);
    expect(whole.files.get('FR')?.verified).toBe(true);
    // From 2010 only: before it the EU's (unverified) pre-TFR version decides, so France is not verified.
    const part = load('2010-01-01');
    expect(part.files.get('FR')?.verified).toBe(false);
    expect(ruleInForce(part, 'FR', '2009-06-01')).toMatchObject({
      version: { version: 'EU-pre-TFR' },
      verified: false,
    });
  });

  it('the TFR version without its retention citation: EU.json is refused by version and field, members say why', () => {
    const errors = mutate('tfr-noretention', 'EU', (f) => {
      const tfr = (f.versions as { version: string; verification: { fields: Record<string, unknown> } }[]).find(
        (v) => v.version === 'EU-TFR-2023/1113',
      )!;
      delete tfr.verification.fields.retention;
    });
    expect(errors).toEqual([
      {
        file: 'EU.json',
        field: 'versions.1.verification.fields.retention',
        message: 'version EU-TFR-2023/1113 claims verified but cites no primary text for its retention period',
      },
    ]);
    const d = join(t.dir, 'tfr-noretention');
    expect(ruleInForce(loadRulePack(d), 'FR', '2025-06-01')).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(
        /group rule file EU\.json is broken \(versions\.1\.verification\.fields\.retention/,
      ),
    });
  });

  it("the jurisdiction's flag is derived from its versions: a file claiming more is refused by name", () => {
    expect(mutate('claim', 'SG', (f) => (f.verified = true))).toEqual([
      {
        file: 'SG.json',
        field: 'verified',
        message: expect.stringMatching(/^says true, but version SG-.* is not verified$/),
      },
    ]);
  });

  it('a "prohibited" or "no_travel_rule" period must say why', () => {
    const errors = mutate(
      'nonote',
      'CN',
      (f) =>
        (f.versions = [
          {
            version: 'CN-BAN',
            regime: 'prohibited',
            effectiveFrom: '2021-09-24',
            effectiveTo: null,
            sources: f.sources,
          },
        ]),
    );
    expect(errors).toEqual([{ file: 'CN.json', field: 'versions.0.note', message: expect.any(String) }]);
  });
});

describe('territories (resources/rules/_territories.json)', () => {
  const pack = loadRulePack(DEFAULT_RULES_DIR());

  it('maps every ISO 3166-1 code (249, plus XK): each rule file is "own", everything else says why, with a source', () => {
    expect(pack.territories.size).toBe(250);
    for (const code of pack.files.keys())
      if (code !== 'EU') expect(pack.territories.get(code)?.status, code).toBe('own');
    for (const [code, t] of pack.territories) if (t.status !== 'own') expect(t.sources.length, code).toBeGreaterThan(0);
  });

  it.each([
    ['PR', 'US'],
    ['GU', 'US'],
    ['VI', 'US'],
    ['AS', 'US'],
    ['MP', 'US'],
    ['UM', 'US'],
    ['GF', 'FR'],
    ['GP', 'FR'],
    ['MQ', 'FR'],
    ['RE', 'FR'],
    ['YT', 'FR'],
    ['MF', 'FR'],
    ['AX', 'FI'],
  ])('%s follows %s', (code, sovereign) => {
    expect(pack.territories.get(code)).toMatchObject({ status: 'follows', follows: sovereign });
  });

  it.each(['GL', 'FO', 'AW', 'SX', 'BQ', 'BL', 'PM', 'MO', 'SJ'])(
    "%s is named as not covered by its sovereign's or union's rule",
    (code) => {
      expect(pack.territories.get(code)?.status).toBe('not_modelled');
    },
  );

  it('a territory following a jurisdiction without a file is refused by name', () => {
    const d = join(t.dir, 'terr');
    cpSync(DEFAULT_RULES_DIR(), d, { recursive: true });
    const f = JSON.parse(readFileSync(join(d, '_territories.json'), 'utf8')) as {
      territories: Record<string, { follows?: string }>;
    };
    f.territories.PR!.follows = 'ZZ';
    writeFileSync(join(d, '_territories.json'), JSON.stringify(f));
    const p = loadRulePack(d);
    expect(p.errors).toEqual([
      { file: '_territories.json', field: 'territories.PR', message: 'follows ZZ, which has no loaded rule file' },
    ]);
    expect(p.territories.has('PR')).toBe(false);
    expect(p.files.size).toBe(pack.files.size);
  });
});
