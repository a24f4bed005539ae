import type { Problem } from '../../../../src-shared/checks';
import type { Ivms101FieldView, Ivms101SchemaView } from '../../../../src-shared/contract';
import { LABELS } from '../ivms101-view';

// The IVMS101 record as a form, built from the engine's own model (ivms101.schema): every component
// and element of the case's edition (2020 or 2023), nested as the standard nests them. Nothing here
// lists fields by hand. Problems (the checks' validator, run as the analyst types) sit under the field
// their JSON Pointer names, errors in red and warnings in amber.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyOf = (k: string) => k.replace(/_/g, '').toLowerCase();
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const idOf = (path: string) => `rf${path.replace(/[^A-Za-z0-9]/g, '-')}`;

export const labelOf = (name: string): string =>
  LABELS[name] ??
  name
    .replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`)
    .replace(/^./, (c) => c.toUpperCase());

export interface FormContext {
  schema: Ivms101SchemaView;
  edition: '2020' | '2023';
  problems: Problem[];
  /** JSON Pointers of what the completeness check says is missing: opened, and marked. */
  missing: { path: string; label: string }[];
}

/** The member of `value` that holds this element, however the sender spelled it; else the edition's name. */
function memberKey(f: Ivms101FieldView, value: Json, edition: '2020' | '2023'): string {
  const names = [f.name, f.name2020, ...f.alt].filter((n): n is string => !!n).map(keyOf);
  return (
    Object.keys(value).find((k) => names.includes(keyOf(k))) ?? (edition === '2020' ? (f.name2020 ?? f.name) : f.name)
  );
}

function emptyOf(f: Ivms101FieldView): unknown {
  return f.type.t === 'comp' ? {} : '';
}

function ProblemsAt({ ctx, path, exact }: { ctx: FormContext; path: string; exact?: boolean }) {
  const here = ctx.problems.filter((p) => p.path === path || (!exact && p.path.startsWith(`${path}/`)));
  const missing = ctx.missing.filter((m) => m.path === path);
  return (
    <>
      {here.map((p) => (
        <span key={p.code + p.path} className={`problem ${p.severity}`} id={`${idOf(path)}-p`} role="note">
          {p.constraint ? `${p.constraint}: ` : ''}
          {p.message}
        </span>
      ))}
      {missing.map((m) => (
        <span key={m.path + m.label} className="problem warning" role="note">
          Missing: {m.label}
        </span>
      ))}
    </>
  );
}

function Scalar({
  f,
  path,
  value,
  onChange,
  ctx,
  label,
}: {
  f: Ivms101FieldView;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FormContext;
  label: string;
}) {
  const id = idOf(path);
  const hasProblem = ctx.problems.some((p) => p.path === path);
  const text = value === undefined || value === null ? '' : String(value);
  const t = f.type;
  return (
    <div className="rf-field">
      <label htmlFor={id}>
        {label}
        {f.min > 0 ? ' (required)' : ''}
      </label>
      {t.t === 'code' ? (
        <select
          id={id}
          value={text}
          aria-invalid={hasProblem || undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        >
          <option value="">—</option>
          {!t.codes.includes(text) && text !== '' && <option value={text}>{text} (not a code)</option>}
          {t.codes.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type="text"
          value={text}
          aria-invalid={hasProblem || undefined}
          aria-describedby={hasProblem ? `${id}-p` : undefined}
          maxLength={t.t === 'text' || t.t === 'local' ? t.max * 2 : 40}
          placeholder={
            t.t === 'country'
              ? 'two letters, e.g. DE'
              : t.t === 'date'
                ? 'YYYY-MM-DD'
                : t.t === 'text' || t.t === 'local'
                  ? `up to ${t.max} characters`
                  : ''
          }
          onChange={(e) =>
            onChange(e.target.value === '' ? undefined : t.t === 'number' ? Number(e.target.value) : e.target.value)
          }
        />
      )}
      <ProblemsAt ctx={ctx} path={path} exact />
    </div>
  );
}

/** One component's elements, each as the schema says: a field, a list, or a nested component. */
export function ComponentFields({
  comp,
  value,
  path,
  onChange,
  ctx,
  depth = 0,
}: {
  comp: string;
  value: Json;
  path: string;
  onChange: (v: Json) => void;
  ctx: FormContext;
  depth?: number;
}) {
  const fields = (ctx.schema.components[comp] ?? []).filter((f) => !f.only || f.only === ctx.edition);
  return (
    <div className="rf-component">
      {fields.map((f) => {
        const key = memberKey(f, value, ctx.edition);
        const at = `${path}/${esc(key)}`;
        const raw = value[key];
        const set = (v: unknown) => {
          const next = { ...value };
          if (v === undefined || (Array.isArray(v) && v.length === 0)) delete next[key];
          else next[key] = v;
          onChange(next);
        };
        const label = labelOf(key);
        const many = f.max === null || f.max > 1;
        if (!many) {
          if (f.type.t !== 'comp')
            return <Scalar key={key} f={f} path={at} value={raw} onChange={set} ctx={ctx} label={label} />;
          const sub = f.type.comp;
          return (
            <Group key={key} label={label} path={at} ctx={ctx} depth={depth} present={raw !== undefined}>
              {isObject(raw) ? (
                <>
                  <ComponentFields comp={sub} value={raw} path={at} onChange={set} ctx={ctx} depth={depth + 1} />
                  {f.min === 0 && (
                    <button type="button" className="small-button" onClick={() => set(undefined)}>
                      Remove {label.toLowerCase()}
                    </button>
                  )}
                </>
              ) : (
                <button type="button" className="small-button" onClick={() => set({})}>
                  Add {label.toLowerCase()}
                </button>
              )}
            </Group>
          );
        }
        // A list: the 2020 tables allow a lone object where a list is meant; it is edited as a list of one.
        const items: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
        const setItem = (i: number, v: unknown) => set(items.map((x, j) => (j === i ? v : x)));
        const canAdd = f.max === null || items.length < f.max;
        return (
          <Group key={key} label={label} path={at} ctx={ctx} depth={depth} present={items.length > 0}>
            {items.map((item, i) => {
              const ip = `${at}/${i}`;
              return (
                <div key={i} className="rf-item">
                  {f.type.t === 'comp' ? (
                    <fieldset>
                      <legend>
                        {label} {i + 1}
                      </legend>
                      <ComponentFields
                        comp={f.type.comp}
                        value={isObject(item) ? item : {}}
                        path={ip}
                        onChange={(v) => setItem(i, v)}
                        ctx={ctx}
                        depth={depth + 1}
                      />
                    </fieldset>
                  ) : (
                    <Scalar
                      f={f}
                      path={ip}
                      value={item}
                      onChange={(v) => setItem(i, v ?? '')}
                      ctx={ctx}
                      label={`${label} ${i + 1}`}
                    />
                  )}
                  <button type="button" className="small-button" onClick={() => set(items.filter((_, j) => j !== i))}>
                    Remove {label.toLowerCase()} {i + 1}
                  </button>
                </div>
              );
            })}
            {canAdd && (
              <button type="button" className="small-button" onClick={() => set([...items, emptyOf(f)])}>
                Add {label.toLowerCase()}
              </button>
            )}
          </Group>
        );
      })}
    </div>
  );
}

/** A component or list, folded unless something in it is missing, wrong, or it is near the top. */
function Group({
  label,
  path,
  ctx,
  depth,
  present,
  children,
}: {
  label: string;
  path: string;
  ctx: FormContext;
  depth: number;
  present: boolean;
  children: React.ReactNode;
}) {
  const under = (p: string) => p === path || p.startsWith(`${path}/`) || path.startsWith(`${p}/`);
  const needed = ctx.missing.some((m) => under(m.path)) || ctx.problems.some((p) => under(p.path));
  return (
    <details className="rf-group" open={needed || (present && depth < 1)} data-path={path}>
      <summary>
        {label}
        {needed ? <span className="warn-text"> · needs attention</span> : null}
        {!present ? <span className="muted"> · absent</span> : null}
      </summary>
      <ProblemsAt ctx={ctx} path={path} exact />
      {children}
    </details>
  );
}
