import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ListFormatError } from '../types';

/** Parses XML, or rejects it naming the line and column where it breaks. */
export function parseXml(text: string, file: string, arrays: string[]): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ListFormatError(`${file}:${valid.err.line}:${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => arrays.includes(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

export const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && '#text' in (v as object)) return text((v as { '#text': unknown })['#text']);
  return null;
};
export const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);
