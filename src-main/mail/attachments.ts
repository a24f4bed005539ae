import { AppError } from '../../src-shared/result';
import type { ReadableDB } from '../store/db';

// Opening a received attachment (issue 18, 9): only types on this allow-list, by the name's
// extension, and only when the bytes are what the name says. Images are shown in an <img> from a
// data: URL (the CSP allows data: images and nothing else, so nothing in them can run); a PDF is
// saved, never rendered inside Waybill (the CSP allows no frames). Nothing is ever executed.

/** Extension → the content type it is served as, and whether Waybill shows it or only saves it. */
export const ATTACHMENT_TYPES: Readonly<
  Record<string, { type: string; view: boolean; magic: (b: Buffer) => boolean }>
> = {
  png: { type: 'image/png', view: true, magic: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  jpg: { type: 'image/jpeg', view: true, magic: (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  jpeg: { type: 'image/jpeg', view: true, magic: (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  gif: { type: 'image/gif', view: true, magic: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  webp: {
    type: 'image/webp',
    view: true,
    magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  pdf: { type: 'application/pdf', view: false, magic: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
};

export interface AttachmentContent {
  filename: string;
  contentType: string;
  size: number;
  /** true: shown as an image; false: offered for saving only. */
  view: boolean;
  dataBase64: string;
}

/** A stored attachment of a case's message, or a refusal naming why (the type, never the content). */
export function readAttachment(db: ReadableDB, id: number): AttachmentContent {
  const row = db
    .prepare(
      'SELECT a.filename, a.size, a.content, m.case_id FROM mail_attachments a JOIN mail_messages m ON m.id = a.message_id WHERE a.id = ?',
    )
    .get(id) as { filename: string; size: number; content: Buffer | null; case_id: string | null } | undefined;
  if (!row) throw new AppError('not_found', `No attachment ${id}.`);
  if (!row.content)
    throw new AppError(
      'unavailable',
      'That attachment was over the size limit and was not stored (see the triage note).',
    );
  const dot = row.filename.lastIndexOf('.');
  const ext = dot > 0 ? row.filename.slice(dot + 1).toLowerCase() : '';
  const kind = Object.hasOwn(ATTACHMENT_TYPES, ext) ? ATTACHMENT_TYPES[ext] : undefined;
  if (!kind)
    throw new AppError(
      'forbidden',
      `Waybill does not open or save ${ext ? `.${ext.slice(0, 10)}` : 'extensionless'} attachments: only ${Object.keys(ATTACHMENT_TYPES).join(', ')}. It stays in the case and in exports.`,
    );
  if (!kind.magic(row.content))
    throw new AppError(
      'forbidden',
      `The attachment is named .${ext} but its content is not ${kind.type}: it is not opened. It stays in the case and in exports.`,
    );
  return {
    filename: row.filename,
    contentType: kind.type,
    size: row.content.length,
    view: kind.view,
    dataBase64: row.content.toString('base64'),
  };
}
