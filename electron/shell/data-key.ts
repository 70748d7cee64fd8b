// The data key under the OS keychain: Electron's safeStorage, its async API only, and only
// when the OS offers a real backend (on Linux, `basic_text` is a fixed password: no protection).
// Otherwise the 0600 key file stays, and the app says "key file".
import { exportDataKey, type DataKeyWrapper } from '../store/secrets.js';

export interface SafeStorageSurface {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  /** Linux only. */
  getSelectedStorageBackend(): string;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string }>;
}

/** The keychain wrapper, or null (then the key file is used); why, for the log. */
export async function safeStorageWrapper(safeStorage: SafeStorageSurface | undefined, platform: NodeJS.Platform): Promise<{ wrapper: DataKeyWrapper | null; reason: string }> {
  if (!safeStorage) return { wrapper: null, reason: 'this Electron has no safeStorage' };
  if (!(await safeStorage.isAsyncEncryptionAvailable().catch(() => false))) return { wrapper: null, reason: 'the OS keychain is not available' };
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') return { wrapper: null, reason: `the Linux keychain backend is "${backend}", which protects nothing` };
  }
  return {
    wrapper: {
      wrap: (key) => safeStorage.encryptStringAsync(key.toString('base64')),
      unwrap: async (wrapped) => Buffer.from((await safeStorage.decryptStringAsync(wrapped)).result, 'base64'),
    },
    reason: 'the OS keychain',
  };
}

/** `loopgate export-key`: the wrapped data key written out as a 0600 key file, for `loopgate serve`; what to tell the user. */
export async function exportKeyForServe(dataDir: string, wrapper: DataKeyWrapper | null): Promise<string> {
  if (!wrapper) return `The data key in ${dataDir} is not in the OS keychain; headless Loopgate can already use it.\n`;
  const file = await exportDataKey(dataDir, wrapper);
  return `Wrote the data key to ${file} (0600); \`loopgate serve --data-dir ${dataDir}\` can now open the store.\n`;
}
