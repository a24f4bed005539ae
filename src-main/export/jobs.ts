import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportJob } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import type { EventBus } from '../platform/events';
import type { ExportProgress, ExportResult } from './create';
import type { PdfMode } from './sections';
import type { ExportSelection } from './selection';

/** Writes one bundle (the Workstation's createExport: snapshot, signing key, audit). */
export type RunExport = (
  selection: ExportSelection,
  out: string,
  o: { signal: AbortSignal; onProgress: (p: ExportProgress) => void; pdf: PdfMode | null },
) => Promise<ExportResult>;

/**
 * Exports started from the UI: each runs in the background into `<data folder>/exports`, reports
 * progress as export.progress events (at most every 100 ms, and at once on a change of phase or
 * state) and can be cancelled. Kept while the app runs; the bundles themselves stay on disk.
 */
export class ExportJobs {
  private readonly jobs = new Map<string, { job: ExportJob; controller: AbortController }>();

  constructor(private readonly o: { dataDir: string; events: EventBus; now: () => number; run: RunExport }) {}

  /** `pdf` null: report.pdf is chosen by size (resolvePdfMode); the job says which once done. */
  start(selection: ExportSelection, pdf: PdfMode | null = null): ExportJob {
    const dir = join(this.o.dataDir, 'exports');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date(this.o.now()).toISOString().replace(/[:.]/g, '').slice(0, 15);
    const id = randomUUID();
    const out = join(
      dir,
      `waybill-export-${selection.from}-to-${selection.to}${selection.jurisdiction ? `-${selection.jurisdiction}` : ''}-${stamp}-${id.slice(0, 4)}.zip`,
    );
    const job: ExportJob = {
      id,
      state: 'running',
      selection,
      pdf,
      phase: 'starting',
      done: 0,
      total: 0,
      out,
      publicKeyFile: null,
      manifestSha256: null,
      error: null,
      startedAt: new Date(this.o.now()).toISOString(),
    };
    const controller = new AbortController();
    this.jobs.set(id, { job, controller });
    let lastEmit = 0;
    const emit = (force = false) => {
      const t = Date.now();
      if (!force && t - lastEmit < 100) return;
      lastEmit = t;
      this.o.events.emit('export.progress', { ...job });
    };
    void this.o
      .run(selection, out, {
        signal: controller.signal,
        pdf,
        onProgress: (p) => {
          const changed = p.phase !== job.phase;
          Object.assign(job, { phase: p.phase, done: p.done, total: p.total });
          emit(changed);
        },
      })
      .then(
        (r) => {
          Object.assign(job, {
            state: 'done',
            publicKeyFile: r.publicKeyFile,
            manifestSha256: r.manifestSha256,
            pdf: r.pdf,
            phase: 'done',
          });
          emit(true);
        },
        (e: unknown) => {
          const cancelled = e instanceof AppError && e.code === 'cancelled';
          Object.assign(job, {
            state: cancelled ? 'cancelled' : 'failed',
            error: e instanceof AppError ? e.message : 'The export failed unexpectedly; no file was left behind.',
          });
          emit(true);
        },
      );
    return { ...job };
  }

  cancel(id: string): ExportJob {
    const j = this.jobs.get(id);
    if (!j) throw new AppError('not_found', `No export ${id}.`);
    j.controller.abort();
    return { ...j.job };
  }

  list(): ExportJob[] {
    return [...this.jobs.values()].map((j) => ({ ...j.job })).reverse();
  }
}
