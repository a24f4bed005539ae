import { statSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ListFormatError } from '../types';

/** No published list file comes near this; a bigger one is refused before it is read. */
export const MAX_LIST_FILE_BYTES = 512 * 1024 * 1024;
/** The published lists nest six or seven levels deep; the parser recurses per level. */
export const MAX_XML_DEPTH = 64;

/** Refuses a file larger than MAX_LIST_FILE_BYTES before reading it into memory. */
export function checkListFileSize(path: string, file: string, max = MAX_LIST_FILE_BYTES): void {
  const size = statSync(path).size;
  if (size > max)
    throw new ListFormatError(file, `${size} bytes is more than the ${max} a list file may have`, 'too_large');
}

function lineCol(text: string, at: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `${line}:${at - last}`;
}

/**
 * Refuses what no sanctions list needs and every XML bomb uses: a DOCTYPE (internal or external
 * subset) or an ENTITY declaration. Billion laughs and quadratic blow-up expand declared entities;
 * an external entity reads a file or URL. None is expanded here: the file is refused by name.
 */
function refuseDeclarations(text: string, file: string): void {
  const m = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (m) {
    throw new ListFormatError(
      `${file}:${lineCol(text, m.index)}`,
      `refused: the file declares <!${m[1]!.toUpperCase()}>. Sanctions lists never need a DOCTYPE or entities, and declarations are how entity-expansion ("billion laughs", quadratic blow-up) and external-entity attacks work`,
      'xml_declaration_refused',
    );
  }
}

/** One linear pass counting element depth, so the recursive parser never sees a pathological nest. */
function refuseDeepNesting(text: string, file: string): void {
  let depth = 0;
  const tag = /<(\/?)[A-Za-z_][^>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    if (m[0].startsWith('<!') || m[0].startsWith('<?')) continue;
    if (m[1]) depth--;
    else if (!m[2]) {
      depth++;
      if (depth > MAX_XML_DEPTH)
        throw new ListFormatError(
          `${file}:${lineCol(text, m.index)}`,
          `elements nest more than ${MAX_XML_DEPTH} deep: not a sanctions list`,
          'too_deep',
        );
    }
  }
}

/** Parses XML, or rejects it naming the line and column where it breaks. */
export function parseXml(text: string, file: string, arrays: string[]): Record<string, unknown> {
  refuseDeclarations(text, file);
  refuseDeepNesting(text, file);
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new ListFormatError(`${file}:${valid.err.line}:${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    // Only the five predefined entities and character references remain; declarations were refused above.
    processEntities: true,
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
export const list = <T>(v: T | T[] | undefined | null): T[] =>
  v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v];
