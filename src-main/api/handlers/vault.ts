import type { AreaHandlers, HandlerContext } from './context';

/** The vault and the session: create, unlock, lock, change the passphrase, stay awake. */
export function vaultHandlers({
  ws,
}: HandlerContext): AreaHandlers<
  | 'app.status'
  | 'vault.create'
  | 'vault.unlock'
  | 'vault.unlockWithDevice'
  | 'vault.lock'
  | 'vault.changePassphrase'
  | 'session.touch'
  | 'appearance.set'
> {
  return {
    'app.status': () => ws.status(),
    'vault.create': async ({ passphrase, rememberOnDevice, analyst }) =>
      ws.createVault(passphrase, rememberOnDevice, analyst),
    'vault.unlock': async ({ passphrase, analyst }) => ws.unlock(passphrase, analyst),
    'vault.unlockWithDevice': () => ws.unlockWithDevice(),
    'vault.lock': () => ws.lock('manual'),
    'vault.changePassphrase': async ({ current, next }) => {
      await ws.changePassphrase(current, next);
      return null;
    },
    'appearance.set': (patch) => ws.setAppearance(patch),
    'session.touch': () => {
      ws.touch();
      return null;
    },
  };
}
