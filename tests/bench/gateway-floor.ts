// Benchmark: how close to the bare proxy any gateway can come on this machine. The bare proxy
// against itself in `floor` mode (bare-proxy.ts: a request scope per request and the body's JSON
// parsed, nothing else), side by side in interleaved rounds. It has no target of its own: it
// tells whether the chat throughput target is within reach of a gateway here at all.
import { cpuSeconds, launch, type Launched } from './processes.js';
import { median } from './stats.js';
import { wrk } from './wrk.js';

const ROUNDS = 6;
const SECONDS = 4;
const CONNECTIONS = 32;
const LOAD = { path: '/v1/chat/completions', headers: {}, body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] }) };

export interface GatewayFloorResult {
  bareRps: number;
  floorRps: number;
  /** The floor's throughput over the bare proxy's: the median of the rounds' pairs. */
  ratio: number;
  bareCpuUs: number;
  floorCpuUs: number;
}

async function round(target: Launched): Promise<{ rps: number; cpuUs: number }> {
  const before = cpuSeconds(target.pid);
  const result = await wrk(target.url, LOAD, CONNECTIONS, SECONDS);
  if (result.non2xx > 0 || result.socketErrors > 0) throw new Error(`the gateway-floor bench saw ${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors`);
  return { rps: result.rps, cpuUs: ((cpuSeconds(target.pid) - before) / result.requests) * 1e6 };
}

export async function benchGatewayFloor(): Promise<GatewayFloorResult> {
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const bare = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/bare-proxy.ts', upstream.url]);
  const floor = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/bare-proxy.ts', upstream.url, 'floor']);
  try {
    await round(bare);
    await round(floor);
    const rounds = { bare: [] as Array<{ rps: number; cpuUs: number }>, floor: [] as Array<{ rps: number; cpuUs: number }> };
    for (let pair = 0; pair < ROUNDS; pair++) {
      for (const which of pair % 2 === 0 ? (['bare', 'floor'] as const) : (['floor', 'bare'] as const)) rounds[which].push(await round(which === 'bare' ? bare : floor));
    }
    const of = (which: 'bare' | 'floor', field: 'rps' | 'cpuUs'): number => median(rounds[which].map((result) => result[field]));
    return {
      bareRps: of('bare', 'rps'),
      floorRps: of('floor', 'rps'),
      ratio: median(rounds.floor.map((result, pair) => result.rps / rounds.bare[pair]!.rps)),
      bareCpuUs: of('bare', 'cpuUs'),
      floorCpuUs: of('floor', 'cpuUs'),
    };
  } finally {
    for (const launched of [floor, bare, upstream]) launched.child.kill('SIGTERM');
  }
}
