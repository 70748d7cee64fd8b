// The proxy benchmark's Markdown table and its targets (issue 15), each a ratio from this run.
import type { Cell, CompareResult, TargetName, WorkloadName } from './proxy-compare.js';

const TARGET_NAMES: Record<TargetName, string> = { direct: 'upstream direct', bare: 'bare undici proxy', loopgate: 'Loopgate', portkey: 'Portkey 1.15.2' };
const WORKLOADS: Record<WorkloadName, string> = { chat: 'chat', stream: 'chat, streamed', messages: 'Messages → OpenAI' };
const ORDER: TargetName[] = ['direct', 'bare', 'loopgate', 'portkey'];

export interface Check {
  name: string;
  value: string;
  met: boolean;
}

function cell(result: CompareResult, workload: WorkloadName, target: TargetName): Cell | null {
  const value = result.cells[workload]?.[target];
  return typeof value === 'object' ? value : null;
}

export function table(result: CompareResult): string {
  const rows = [`| workload | measure | ${ORDER.map((t) => TARGET_NAMES[t]).join(' | ')} |`, `|---|---|${ORDER.map(() => '---').join('|')}|`];
  const row = (workload: WorkloadName, label: string, show: (c: Cell) => string | null): void => {
    const values = ORDER.map((target) => {
      const c = cell(result, workload, target);
      if (!c) return String(result.cells[workload]?.[target] ?? '—').replace(/\|/g, '/');
      return show(c) ?? '—';
    });
    rows.push(`| ${WORKLOADS[workload]} | ${label} | ${values.join(' | ')} |`);
  };
  for (const workload of ['chat', 'stream', 'messages'] as const) {
    row(workload, 'req/s at 32 conn', (c) => c.rps.toFixed(0));
    row(workload, 'p50 / p99 ms at 1 conn', (c) => `${c.p50Ms1.toFixed(2)} / ${c.p99Ms1.toFixed(2)}`);
    row(workload, 'p50 / p99 ms at 32 conn', (c) => `${c.p50Ms32.toFixed(2)} / ${c.p99Ms32.toFixed(2)}`);
    if (workload === 'stream') {
      row(workload, 'first byte / last byte ms (1 conn, chunks)', (c) => `${c.ttfbMs!.toFixed(2)} / ${c.streamMs!.toFixed(2)} (${c.chunks})`);
    }
    row(workload, 'CPU µs per request in the proxy', (c) => (c.cpuUsPerRequest === null ? null : c.cpuUsPerRequest.toFixed(0)));
    row(workload, 'non-2xx / socket errors', (c) => `${c.non2xx} / ${c.socketErrors}`);
  }
  const memory = (label: string, pick: (m: NonNullable<CompareResult['memory'][TargetName]>) => number): void => {
    rows.push(`| memory | ${label} | ${ORDER.map((target) => (result.memory[target] ? pick(result.memory[target]).toFixed(0) : '—')).join(' | ')} |`);
  };
  memory('RSS MB idle', (m) => m.idleMb);
  memory('RSS MB after warm-up', (m) => m.warmMb);
  memory('RSS MB peak under load', (m) => m.peakMb);
  memory('RSS MB 30 s after', (m) => m.afterMb);
  return rows.join('\n');
}

/** Loopgate's chat throughput over the bare proxy's, at least. */
export const CHAT_THROUGHPUT_TARGET = 0.85;

/** Every target of issue 15 as a ratio; a missing measurement is a miss. */
export function checks(result: CompareResult): Check[] {
  const out: Check[] = [];
  const add = (name: string, value: number | null, met: (v: number) => boolean, format = (v: number) => `${v.toFixed(2)}x`): void => {
    out.push(value === null || !Number.isFinite(value) ? { name, value: 'not measured', met: false } : { name, value: format(value), met: met(value) });
  };
  let failures = 0;
  for (const workload of ['chat', 'stream', 'messages'] as const) {
    for (const target of ['direct', 'bare', 'loopgate'] as const) {
      const c = cell(result, workload, target);
      if (c) failures += c.non2xx + c.socketErrors;
    }
  }
  add(
    'non-2xx answers and socket errors (upstream, bare proxy, Loopgate)',
    failures,
    (v) => v === 0,
    (v) => String(v),
  );
  // Never collapse under load: every 4 s round of every workload keeps most of the median's pace.
  const steadiness = (['chat', 'stream', 'messages'] as const)
    .map((workload) => cell(result, workload, 'loopgate'))
    .filter((c) => c !== null && c !== undefined)
    .map((c) => (c.rps > 0 ? c.minRps / c.rps : 0));
  add('Loopgate slowest round vs its median, every workload (≥ 0.5: no stall)', steadiness.length > 0 ? Math.min(...steadiness) : null, (v) => v >= 0.5);
  const chat = { direct: cell(result, 'chat', 'direct'), bare: cell(result, 'chat', 'bare'), loopgate: cell(result, 'chat', 'loopgate') };
  add(`chat throughput vs the bare proxy (≥ ${CHAT_THROUGHPUT_TARGET})`, chat.loopgate && chat.bare ? chat.loopgate.rps / chat.bare.rps : null, (v) => v >= CHAT_THROUGHPUT_TARGET);
  add(
    'added p50 at 1 connection vs the bare proxy’s (≤ 1.3)',
    chat.loopgate && chat.bare && chat.direct ? (chat.loopgate.p50Ms1 - chat.direct.p50Ms1) / Math.max(0.001, chat.bare.p50Ms1 - chat.direct.p50Ms1) : null,
    (v) => v <= 1.3,
  );
  const stream = { direct: cell(result, 'stream', 'direct'), bare: cell(result, 'stream', 'bare'), loopgate: cell(result, 'stream', 'loopgate') };
  add(
    'stream time-to-first-byte overhead vs the bare proxy’s (≤ 1.3)',
    stream.loopgate && stream.bare && stream.direct ? (stream.loopgate.ttfbMs! - stream.direct.ttfbMs!) / Math.max(0.001, stream.bare.ttfbMs! - stream.direct.ttfbMs!) : null,
    (v) => v <= 1.3,
  );
  const messages = cell(result, 'messages', 'loopgate');
  add('Messages (translated) throughput vs the bare proxy’s chat (≥ 0.7)', messages && chat.bare ? messages.rps / chat.bare.rps : null, (v) => v >= 0.7);
  const memory = result.memory.loopgate;
  add(
    'Loopgate RSS under load (≤ 150 MB)',
    memory ? memory.peakMb : null,
    (v) => v <= 150,
    (v) => `${v.toFixed(0)} MB`,
  );
  add('Loopgate RSS 30 s after vs after warm-up (≤ 1.1)', memory ? memory.afterMb / memory.warmMb : null, (v) => v <= 1.1);
  return out;
}
