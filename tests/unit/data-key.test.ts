// The data key under the OS keychain (the app) or in a 0600 key file (headless, or no real
// keychain), and headless Loopgate's plain words when the key is wrapped.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeStorageWrapper, type SafeStorageSurface } from '../../electron/shell/data-key.js';
import { DataKeyWrappedError, exportDataKey, loadDataKey, type DataKeyWrapper } from '../../electron/store/secrets.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** A stand-in keychain: reversible, and visibly not the plain key. */
const keychain: DataKeyWrapper = {
  wrap: (key) => Promise.resolve(Buffer.from(`wrapped:${Buffer.from(key).reverse().toString('hex')}`)),
  unwrap: (wrapped) => Promise.resolve(Buffer.from(wrapped.toString().slice('wrapped:'.length), 'hex').reverse()),
};

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('the data key', () => {
  it('is created wrapped when the app has a real keychain: no key file, the same key next time', async () => {
    const dir = tempDir('loopgate-key-');
    const first = await loadDataKey(dir, keychain);
    expect(first.protection).toBe('os-keychain');
    expect(existsSync(join(dir, 'data-key'))).toBe(false);
    expect((await readFile(join(dir, 'data-key.wrapped'))).toString()).toMatch(/^wrapped:/);
    if (process.platform !== 'win32') expect(await mode(join(dir, 'data-key.wrapped'))).toBe(0o600);
    expect((await loadDataKey(dir, keychain)).key.equals(first.key)).toBe(true);
  });

  it('moves an existing key file into the keychain, keeping the key', async () => {
    const dir = tempDir('loopgate-key-');
    const plain = await loadDataKey(dir, null);
    expect(plain.protection).toBe('key-file');
    const wrapped = await loadDataKey(dir, keychain);
    expect(wrapped.protection).toBe('os-keychain');
    expect(wrapped.key.equals(plain.key)).toBe(true);
    expect(existsSync(join(dir, 'data-key'))).toBe(false);
  });

  it('headless, refuses a wrapped key in plain words naming export-key; an exported key then works', async () => {
    const dir = tempDir('loopgate-key-');
    const { key } = await loadDataKey(dir, keychain);
    const refusal = loadDataKey(dir, null);
    await expect(refusal).rejects.toBeInstanceOf(DataKeyWrappedError);
    await expect(refusal).rejects.toThrow(/loopgate export-key/);
    const file = await exportDataKey(dir, keychain);
    if (process.platform !== 'win32') expect(await mode(file)).toBe(0o600);
    const headless = await loadDataKey(dir, null);
    expect(headless).toMatchObject({ protection: 'key-file' });
    expect(headless.key.equals(key)).toBe(true);
    // The app then uses the exported file as it is (the user chose it), not re-wrapping it.
    expect((await loadDataKey(dir, keychain)).protection).toBe('key-file');
  });

  it('`loopgate serve` on a wrapped data dir exits 1 saying it needs the app or an exported key', async () => {
    const dir = tempDir('loopgate-key-');
    await writeFile(join(dir, 'data-key.wrapped'), 'wrapped:00', { mode: 0o600 });
    const result = await runCli(['serve', '--port', '0', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('protected by the OS keychain through the Loopgate app');
    expect(result.stderr).toContain('loopgate export-key');
    expect(existsSync(join(dir, 'loopgate.lock'))).toBe(false);
  });
});

function fakeSafeStorage(available: boolean, backend: string): SafeStorageSurface & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isAsyncEncryptionAvailable: () => Promise.resolve(available),
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: (text) => {
      calls.push('encryptStringAsync');
      return Promise.resolve(Buffer.from(text).reverse());
    },
    decryptStringAsync: (buffer) => {
      calls.push('decryptStringAsync');
      return Promise.resolve({ result: Buffer.from(buffer).reverse().toString() });
    },
  };
}

describe('safeStorage as the keychain', () => {
  it.each([
    ['darwin', 'unknown'],
    ['win32', 'unknown'],
    ['linux', 'gnome_libsecret'],
    ['linux', 'kwallet6'],
  ] as const)('is used through its async API where the OS has a real backend (%s, %s)', async (platform, backend) => {
    const storage = fakeSafeStorage(true, backend);
    const { wrapper } = await safeStorageWrapper(storage, platform);
    expect(wrapper).not.toBeNull();
    const key = Buffer.alloc(32, 7);
    expect((await wrapper!.unwrap(await wrapper!.wrap(key))).equals(key)).toBe(true);
    expect(storage.calls).toEqual(['encryptStringAsync', 'decryptStringAsync']);
  });

  it('is not used with Linux basic_text (no protection) or without a keychain: the key file stays, and says why', async () => {
    const basic = await safeStorageWrapper(fakeSafeStorage(true, 'basic_text'), 'linux');
    expect(basic.wrapper).toBeNull();
    expect(basic.reason).toContain('basic_text');
    expect((await safeStorageWrapper(fakeSafeStorage(false, 'gnome_libsecret'), 'linux')).wrapper).toBeNull();
    expect((await safeStorageWrapper(undefined, 'darwin')).wrapper).toBeNull();
  });
});
