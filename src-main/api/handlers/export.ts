import { parseSelection } from '../../export/selection';
import type { AreaHandlers, HandlerContext } from './context';

/** Audit export bundles: the signing key's public half, and export jobs. */
export function exportHandlers({
  ws,
}: HandlerContext): AreaHandlers<'export.publicKey' | 'export.start' | 'export.cancel' | 'export.jobs'> {
  return {
    'export.publicKey': () => {
      const k = ws.signingKey();
      return { pem: k.publicKeyPem, fingerprint: k.fingerprint };
    },
    'export.start': ({ pdf, ...selection }) => ws.startExportJob(parseSelection(selection), pdf),
    'export.cancel': ({ id }) => ws.cancelExportJob(id),
    'export.jobs': () => ws.exportJobs(),
  };
}
