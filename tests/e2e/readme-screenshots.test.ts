// The README's two pictures, the Overview and Models & routing (light, 1280×800), taken of a
// gateway set up as a person would have it: two providers, three model groups (one served by two
// deployments), three tools' keys, a week of usage with a few failures. With
// LOOPGATE_README_SHOTS=1 they are written into docs/screenshots (commit them); otherwise into
// tests/.screenshots, so a run never changes the docs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcDay } from '../../electron/core/utc-day.js';
import { emptyDay } from '../../electron/store/usage.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { closeInOrder, dismissToasts, go, launchChromium, SHOTS } from './ui.js';

const DIR = process.env['LOOPGATE_README_SHOTS'] === '1' ? join(PROJECT_ROOT, 'docs/screenshots') : SHOTS;
const DAY_MS = 86_400_000;
/** Requests and failures on each of the six days before today, oldest first. */
const WEEK = [
  [38, 1],
  [61, 3],
  [47, 0],
  [72, 2],
  [55, 1],
  [29, 0],
] as const;

let cloud: MockUpstream;
let local: MockUpstream;
let gw: TestGateway;
let browser: Browser;
/** Requests over the seven days shown. */
let weekTotal = 0;

async function setUp(): Promise<void> {
  const api = gw.app.api;
  const openai = await api['providers.create']({ name: 'OpenAI', family: 'openai', apiBase: cloud.apiBase, apiKey: 'sk-proj-screenshot' });
  const ollama = await api['providers.create']({ name: 'Ollama on this laptop', family: 'openai', apiBase: local.apiBase, apiKey: 'ollama' });
  await api['models.add']({ modelName: 'gpt-4o-mini', providerId: openai.id, upstreamModel: 'gpt-4o-mini', settings: { weight: 3 } });
  await api['models.add']({ modelName: 'gpt-4o-mini', providerId: ollama.id, upstreamModel: 'qwen2.5-coder:14b', settings: { weight: 1 } });
  await api['models.add']({ modelName: 'gpt-4.1', providerId: openai.id, upstreamModel: 'gpt-4.1' });
  await api['models.add']({ modelName: 'llama3.1:8b', providerId: ollama.id, upstreamModel: 'llama3.1:8b-instruct-q4_K_M' });
  const keys: string[] = [];
  for (const alias of ['claude-code', 'codex-cli', 'open-webui']) {
    const made = await gw.manage('POST', '/key/generate', { key_alias: alias });
    keys.push(made.body.key as string);
  }
  // Today: a few real requests, so live state and the log have something to show.
  for (const [i, key] of keys.entries()) {
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (const model of ['gpt-4o-mini', 'gpt-4.1', 'llama3.1:8b'].slice(0, 3 - i)) await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Plan the week' }] });
  }
  // The week before: daily totals as the accounting writes them.
  const ids = (await api['keys.list']({ page: 1, size: 10 })).keys.map((key) => key.id);
  const models = ['gpt-4o-mini', 'gpt-4.1', 'llama3.1:8b'];
  const daily = WEEK.flatMap(([requests, failures], d) =>
    models.map((model, m) => {
      const share = [0.6, 0.25, 0.15][m]!;
      const count = Math.round(requests * share);
      const tokens = count * 2_400;
      return {
        ...emptyDay(utcDay(Date.now() - (6 - d) * DAY_MS), ids[m % ids.length]!, model),
        requests: count,
        failures: m === 0 ? failures : 0,
        promptTokens: tokens * 0.8,
        completionTokens: tokens * 0.2,
        totalTokens: tokens,
        cost: m === 2 ? 0 : tokens * (m === 0 ? 3e-7 : 3e-6),
      };
    }),
  );
  await gw.store.usage.recordBatch({ daily, keys: [] });
  weekTotal = daily.reduce((sum, row) => sum + row.requests, 6);
}

beforeAll(async () => {
  cloud = await startMockOpenAI();
  local = await startMockOpenAI();
  gw = await startTestGateway('model_list: []\n');
  await setUp();
  browser = await launchChromium();
}, 60_000);

afterAll(() => closeInOrder(browser, gw, cloud, local));

async function picture(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.screenshot({ path: join(DIR, `${name}.png`) });
}

describe('the README pictures', () => {
  it('shows the Overview and Models & routing of a week in use (light, 1280×800)', async () => {
    mkdirSync(DIR, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    await page.goto(gw.gateway.loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const guide = page.getByRole('button', { name: 'Hide this guide' });
    if (await guide.isVisible()) await guide.click();
    const chart = page.getByRole('figure', { name: 'Requests' });
    await expect.poll(() => chart.getAttribute('data-total')).toBe(String(weekTotal));
    await picture(page, 'overview');
    await go(page, 'Models & routing');
    await page.getByText('llama3.1:8b-instruct-q4_K_M').first().waitFor();
    await picture(page, 'models-and-routing');
    await page.close();
  });
});
