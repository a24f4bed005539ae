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
}

export interface ParsedList {
  source: ListSource;
  /** The list's own publication time, where it states one. */
  publishedAt: string | null;
  entries: SanctionsEntry[];
}

/** A rejected list: what is wrong, and where (file and line, or element). */
export class ListFormatError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'ListFormatError';
  }
}
