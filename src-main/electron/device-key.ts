import { safeStorage } from 'electron';
import type { DeviceKeyProtector } from '../vault/device-key';

/** Electron safeStorage as the vault's device protector (the refusal rules live in the vault). */
export const safeStorageProtector: DeviceKeyProtector = {
  backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform),
  isAvailable: () => safeStorage.isEncryptionAvailable(),
  encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
  decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
};
