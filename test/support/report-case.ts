import type { ReportCase } from '../../src-main/export/report-pdf';

/**
 * The i-th of a run of report sections for the PDF tests: names in Latin, Cyrillic and Chinese, wallets
 * and ids unique to each (the words pdfkit lays out once), a decision every fifth, a legal hold every seventh.
 */
export const sampleReportCase = (i: number): ReportCase => ({
  id: `case-${String(i).padStart(7, '0')}`,
  direction: i % 2 ? 'deposit' : 'withdrawal',
  status: 'pending_review',
  asset: 'BTC',
  network: 'bitcoin',
  amount: '0.5',
  fiat: '21000.00 EUR',
  transferTime: '2026-03-01T10:00:00Z',
  originatorName: i % 3 ? `Originator ${i}` : `王 小明 ${i}`,
  originatorWallet: `bc1q${i.toString(36).padStart(38, 'x')}`,
  beneficiaryName: `Бенефициар ${i}`,
  beneficiaryWallet: `bc1q${(i * 7).toString(36).padStart(38, 'y')}`,
  walletType: 'hosted',
  counterparty: 'Example VASP (DE)',
  checks: [{ name: 'ivms101', outcome: 'complete', summary: 'complete' }],
  decisions:
    i % 5 ? [] : [{ kind: 'reject', analyst: 'a', decidedAt: '2026-03-02T00:00:00Z', reasonCodes: ['X'], note: 'n' }],
  mail: [],
  legalHold: i % 7 === 0,
});
