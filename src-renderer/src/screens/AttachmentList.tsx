import { useState } from 'react';
import type { MailView } from '../../../src-shared/contract';
import { Dialog } from '../components/Dialog';
import { asError, useApp } from '../state/app-store';

// A message's attachments, opened safely (issue 18, 9): an image is shown in an <img> from a data:
// URL (the CSP lets data: images in and nothing else, so nothing in it runs); anything on the core's
// allow-list can be saved (a download: the browser, or Electron's save dialog, asks where). Types off
// the list are refused by the core, by name. Nothing is ever executed or rendered in a frame.

type Opened = { filename: string; contentType: string; dataBase64: string };

export function AttachmentList({ attachments }: { attachments: MailView['attachments'] }) {
  const { client, setError } = useApp();
  const [shown, setShown] = useState<Opened | null>(null);
  const fetchOne = async (id: number) => {
    try {
      return await client!.call('mail.attachment', { id });
    } catch (e) {
      setError(asError(e).message, asError(e).code);
      return null;
    }
  };
  const save = (a: Opened) => {
    const bytes = Uint8Array.from(atob(a.dataBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: a.contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = a.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div className="small" data-testid="attachments">
      Attachments:
      <ul className="attachments">
        {attachments.map((a) => (
          <li key={a.id}>
            {a.filename} ({Math.ceil(a.size / 1024)} KB{a.stored ? '' : ', not stored'})
            {a.stored && (
              <>
                {' '}
                <button
                  type="button"
                  className="small-button"
                  onClick={() =>
                    void fetchOne(a.id).then((x) => {
                      if (!x) return;
                      if (x.view) setShown(x);
                      else
                        setError(
                          `${a.filename} is not shown inside Waybill: save it and open it with a viewer.`,
                          'info',
                        );
                    })
                  }
                >
                  Open {a.filename}
                </button>{' '}
                <button
                  type="button"
                  className="small-button"
                  onClick={() => void fetchOne(a.id).then((x) => x && save(x))}
                >
                  Save {a.filename}…
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {shown && (
        <Dialog title={shown.filename} labelledBy="attachment-h" onClose={() => setShown(null)}>
          <img
            className="attachment-view"
            src={`data:${shown.contentType};base64,${shown.dataBase64}`}
            alt={`Attachment ${shown.filename}`}
          />
          <div className="dialog-buttons">
            <button type="button" onClick={() => save(shown)}>
              Save…
            </button>
            <button type="button" className="primary" onClick={() => setShown(null)}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
