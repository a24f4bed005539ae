// Issue 21: the mail and PDF libraries, which only a few commands use, load on first use, never at the start of
// every CLI command and of the app (test/lint/lazy-heavy-modules.test.ts, test/e2e/built-bundles.test.ts).
// The packages, and what they pull in (never to be imported directly either).
export const HEAVY = [
  'nodemailer',
  'imapflow',
  'mailparser',
  'openpgp',
  'pdfkit',
  'fontkit',
  '@noble/ciphers',
  'tiny-inflate',
  'brotli',
  'encoding-japanese',
  'linkify-it',
];

/** The ones the core uses, each through `await import(...)` in the function that needs it. */
export const HEAVY_USED = ['imapflow', 'mailparser', 'nodemailer', 'openpgp', 'pdfkit'];
