import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_KEY_FILE, secretBox } from '../../../electron/store/secrets.js';
import { freshStore } from '../../helpers/store.js';

describe('provider credentials at rest', () => {
  it('seals with AES-256-GCM: round-trips, differs each time, and refuses tampering', () => {
    const box = secretBox(randomBytes(32));
    const a = box.seal('sk-provider-secret');
    expect(a).not.toContain('sk-provider-secret');
    expect(box.seal('sk-provider-secret')).not.toBe(a);
    expect(box.open(a)).toBe('sk-provider-secret');
    const raw = Buffer.from(a.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => secretBox(randomBytes(32)).open(a)).toThrow();
  });

  it('stores provider keys sealed, shows only a hint, and keeps the data key in a 0600 file', async () => {
    const { store, dir } = await freshStore();
    const created = await store.providers.create('prov_1', { name: 'OpenAI', family: 'openai', apiBase: null, apiKey: 'sk-proj-abcdef1234' }, 1);
    expect(created).toMatchObject({ keyHint: '1234', version: 1 });
    expect(JSON.stringify(created)).not.toContain('sk-proj');
    const row = store.database.get<{ api_key_sealed: string }>('SELECT api_key_sealed FROM providers');
    expect(row?.api_key_sealed).toMatch(/^v1:/);
    expect(row?.api_key_sealed).not.toContain('sk-proj');
    expect(await store.providers.revealKey('prov_1')).toBe('sk-proj-abcdef1234');
    expect((await stat(join(dir, DATA_KEY_FILE))).mode & 0o777).toBe(0o600);
    await expect(store.providers.update('prov_1', { name: 'OpenAI', family: 'openai', apiBase: null }, 7, 2)).rejects.toMatchObject({ code: 'conflict' });
    await store.close();
  });
});
