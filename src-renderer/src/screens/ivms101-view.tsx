import type { Ivms101Check, MissingItem, Problem } from '../../../src-shared/checks';

// The originator and beneficiary as an analyst reads them: each field with its label and value,
// and each validation problem next to the field it concerns (by its JSON Pointer).

export const LABELS: Record<string, string> = {
  primaryIdentifier: 'Family name / primary name',
  secondaryIdentifier: 'Given names',
  nameIdentifierType: 'Name type',
  legalPersonName: 'Legal name',
  legalPersonNameIdentifierType: 'Name type',
  streetName: 'Street',
  buildingNumber: 'Building number',
  buildingName: 'Building name',
  postCode: 'Post code',
  townName: 'Town',
  countrySubDivision: 'Region',
  country: 'Country',
  addressType: 'Address type',
  addressLine: 'Address line',
  nationalIdentifier: 'National identifier',
  nationalIdentifierType: 'Identifier type',
  countryOfIssue: 'Country of issue',
  registrationAuthority: 'Registration authority',
  dateOfBirth: 'Date of birth',
  placeOfBirth: 'Place of birth',
  countryOfResidence: 'Country of residence',
  customerIdentification: 'Customer number',
  customerNumber: 'Customer number',
  countryOfRegistration: 'Country of registration',
  accountNumber: 'Account / wallet',
};

interface Leaf {
  path: string;
  label: string;
  value: string;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function leaves(v: unknown, path: string, trail: string[], out: Leaf[]): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => leaves(x, `${path}/${i}`, v.length > 1 ? [...trail, `#${i + 1}`] : trail, out));
    return;
  }
  if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      leaves(x, `${path}/${escape(k)}`, [...trail, k], out);
    return;
  }
  const key = [...trail].reverse().find((t) => !t.startsWith('#')) ?? '';
  const context = trail.filter(
    (t) =>
      [
        'localNameIdentifier',
        'phoneticNameIdentifier',
        'geographicAddress',
        'nationalIdentification',
        'dateAndPlaceOfBirth',
      ].includes(t) || t.startsWith('#'),
  );
  const prefix = context.includes('localNameIdentifier')
    ? 'Local-script '
    : context.includes('phoneticNameIdentifier')
      ? 'Phonetic '
      : '';
  const n = context.filter((t) => t.startsWith('#')).join(' ');
  out.push({ path, label: `${prefix}${LABELS[key] ?? key}${n ? ` ${n}` : ''}`, value: String(v) });
}

function problemsAt(problems: Problem[], path: string): Problem[] {
  return problems.filter((p) => p.path === path);
}

export function PartyView({
  title,
  side,
  payload,
  check,
}: {
  title: string;
  side: 'originator' | 'beneficiary';
  payload: Record<string, unknown>;
  check: Ivms101Check | null;
}) {
  const root = `/${side}`;
  const rows: Leaf[] = [];
  leaves(payload[side], root, [], rows);
  const problems = [...(check?.errors ?? []), ...(check?.warnings ?? [])].filter(
    (p) => p.path === root || p.path.startsWith(`${root}/`),
  );
  const placed = new Set<Problem>();
  const missing: MissingItem[] = (check?.completeness?.missing ?? []).filter((m) => m.side === side);
  return (
    <section className="panel party" aria-labelledby={`party-${side}`}>
      <h3 id={`party-${side}`}>{title}</h3>
      <table className="kv">
        <tbody>
          {rows.map((r) => {
            const here = problemsAt(problems, r.path);
            here.forEach((p) => placed.add(p));
            return (
              // The label is red only for an error; a field with only warnings is amber.
              <tr
                key={r.path}
                className={
                  here.some((p) => p.severity === 'error') ? 'has-problem' : here.length ? 'has-warning' : undefined
                }
              >
                <th scope="row">{r.label}</th>
                <td>
                  <span className="value">{r.value}</span>
                  {here.map((p) => (
                    <span key={p.code + p.path} className={`problem ${p.severity}`} role="note">
                      {p.constraint ? `${p.constraint}: ` : ''}
                      {p.message}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={2} className="missing">
                No {side} data in the payload.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {problems
        .filter((p) => !placed.has(p))
        .map((p) => (
          <p key={p.code + p.path} className={`problem ${p.severity}`} role="note">
            {p.constraint ? `${p.constraint}: ` : ''}
            {p.message} <code>{p.path}</code>
          </p>
        ))}
      {missing.length > 0 && (
        <div className="missing-list">
          <strong>Missing for completeness</strong>
          <ul>
            {missing.map((m) => (
              <li key={m.requirement}>
                {m.label} — needed by {m.jurisdictions.join(', ')}: {m.items.map((i) => i.label).join(', ')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The text a repair request asks for: one line per missing item. */
export function missingText(check: Ivms101Check | null): string {
  const m = check?.completeness?.missing ?? [];
  const errors = check?.errors ?? [];
  const lines = [
    ...m.map(
      (x) => `- ${x.side}: ${x.items.map((i) => i.label).join(', ')} (required by ${x.jurisdictions.join(', ')})`,
    ),
    ...errors.map((e) => `- ${e.message} (${e.path})`),
  ];
  return lines.length ? `Please provide or correct:\n${lines.join('\n')}` : '';
}
