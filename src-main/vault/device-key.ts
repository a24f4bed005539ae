/**
 * "Remember on this device": the database key wrapped a second time by the OS keychain.
 * In Electron this is `safeStorage`; the CLI and browser mode have none, so the option is absent there.
 */
export interface DeviceKeyProtector {
  /** Which backend would protect the key (e.g. `gnome_libsecret`, `kwallet5`, `basic_text`, `keychain`). */
  backend(): string;
  isAvailable(): boolean;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/**
 * Linux's `basic_text` backend "encrypts" with a hard-coded password: it is plaintext with extra steps.
 * Fail closed: such a protector is treated as no protector at all.
 */
export function deviceProtectorRefusal(p: DeviceKeyProtector | undefined): string | null {
  if (!p) return 'No OS keychain is reachable in this mode.';
  if (!p.isAvailable()) return 'The OS keychain is not available.';
  if (p.backend() === 'basic_text')
    return 'The OS keychain backend is basic_text (no real keychain); the key would be stored in plain text.';
  return null;
}
