import { parseArgs, type ParseArgsConfig } from 'node:util';
import { contract, type MethodName, type ParsedInputOf } from '../../src-shared/contract';
import { UsageError } from './passphrase';

// The CLI is a table of commands: the help text is generated from it (it cannot drift from what runs),
// and a command that mirrors an API method validates its input with that method's contract schema.

export type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined> & { 'data-dir'?: string };
  positionals: string[];
}

export interface Command {
  /** One or two words: `serve`, `cases import`. */
  name: string;
  /** The arguments as the help shows them, after the name. */
  usage: string;
  /** The help's description, one entry a line; none for a self-explanatory command. */
  help?: string[];
  /** Options besides --data-dir and --help, which every command takes. */
  options?: ParseArgsConfig['options'];
  run(p: Parsed, out: Out): Promise<number> | number;
}

const HELP_COLUMN = 42;

/** The help's command list: the usage, then the description beside it when it fits, else below it. */
export function commandHelp(commands: readonly Command[]): string {
  const lines: string[] = [];
  const indent = ' '.repeat(HELP_COLUMN);
  for (const c of commands) {
    const head = `  ${c.name}${c.usage ? ` ${c.usage}` : ''}`;
    const [first, ...more] = c.help ?? [];
    if (first === undefined) lines.push(head);
    else if (head.length < HELP_COLUMN) lines.push(head.padEnd(HELP_COLUMN) + first);
    else lines.push(head, indent + first);
    for (const m of more) lines.push(indent + m);
  }
  return lines.join('\n');
}

/** Finds the command for argv: one word (`serve …`) or two (`cases import …`); the rest are its arguments. */
export function route(
  commands: readonly Command[],
  argv: readonly string[],
): { command: Command | undefined; name: string; args: string[] } {
  const [group = '', sub, ...rest] = argv;
  const single = commands.find((c) => c.name === group);
  if (single) return { command: single, name: group, args: sub === undefined ? [] : [sub, ...rest] };
  const name = `${group} ${sub ?? ''}`.trim();
  return { command: commands.find((c) => c.name === name), name, args: rest };
}

export function parse(args: string[], options: ParseArgsConfig['options'] = {}): Parsed {
  try {
    const r = parseArgs({
      args,
      options: { ...options, 'data-dir': { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function int(value: string | boolean | string[] | undefined, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} needs a whole number.`);
  return n;
}

/** A string option's value, or undefined (absent, or a boolean/multiple option). */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Validates a command's input with the API method's own schema, so the CLI and the UI refuse the same
 * things. `names` says how the user typed each field (e.g. caseId → "CASE_ID"), for the message.
 */
export function viaContract<K extends MethodName>(
  method: K,
  input: unknown,
  names: Readonly<Record<string, string>> = {},
): ParsedInputOf<K> {
  const r = contract[method].input.safeParse(input);
  if (r.success) return r.data as ParsedInputOf<K>;
  const issues = r.error.issues.map((i) => {
    const field = i.path.join('.');
    return `${names[field] ?? (field ? `--${field}` : 'input')}: ${i.message}`;
  });
  throw new UsageError(`${issues.join('; ')}.`);
}
