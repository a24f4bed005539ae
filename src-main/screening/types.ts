// Defined with the API contract, so the lists the core reads and the lists the UI names are one type.
import type { ListSource } from '../../src-shared/domain';
export { LIST_SOURCES, type ListSource } from '../../src-shared/domain';

/** One listed party, whatever list it came from. */
export interface SanctionsEntry {
  entryId: string;
  kind: 'individual' | 'entity' | 'vessel' | 'aircraft' | 'unknown';
  /** The first is the primary name; the rest are aliases. */
  names: string[];
  /** YYYY or YYYY-MM-DD. */
  birthDates: string[];
  /** ISO 3166-1 alpha-2, where the list names a country we can map. */
  countries: string[];
  programs: string[];
  /** Digital currency addresses (OFAC): chain code as listed (XBT, ETH, …) and the address. */
  addresses: { chain: string; address: string }[];
  // The evidence an analyst compares against (absent in versions imported before it was read).
  /** Places of birth as the list writes them. */
  birthPlaces?: string[];
  /** Passports, national ids, tax ids…: the type as listed, the number, and the issuing country where stated. */
  identifiers?: { type: string; value: string; country: string | null }[];
  /** Postal addresses, one line each, as listed. */
  postalAddresses?: string[];
  /** When the party was listed (YYYY-MM-DD), where the list says. */
  listedOn?: string | null;
  remarks?: string | null;
}

export interface ParsedList {
  source: ListSource;
  /** The list's own publication time, where it states one. */
  publishedAt: string | null;
  entries: SanctionsEntry[];
}

/**
 * Why a list was refused, by name: `malformed` (not the list's shape), `xml_declaration_refused`
 * (a DOCTYPE or entity declaration: billion laughs, external entities, quadratic blow-up), `too_large`,
 * `too_deep`, `empty`, `shrink` (far fewer entries than the version in force), `duplicate_entry`,
 * `download` (a fetch that did not deliver a verified file).
 */
export type ListErrorCode =
  | 'malformed'
  | 'xml_declaration_refused'
  | 'too_large'
  | 'too_deep'
  | 'empty'
  | 'shrink'
  | 'duplicate_entry'
  | 'download';

/** A rejected list: what is wrong, and where (file and line, or element). */
export class ListFormatError extends Error {
  constructor(
    readonly where: string,
    message: string,
    readonly code: ListErrorCode = 'malformed',
  ) {
    super(`${where}: ${message}`);
    this.name = 'ListFormatError';
  }
}
