// `npm run bench`: every benchmark, each a ratio measured side by side in this one run. Prints
// Markdown, writes tests/bench/.results/latest.json, exits 1 when a target is missed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { benchHistorySize, reportHistorySize } from './history-size.js';
import { benchProxies } from './proxy-compare.js';
import { benchGatewayFloor } from './gateway-floor.js';
import { CHAT_THROUGHPUT_TARGET, checks, table } from './report.js';
import { benchRoutes, ROUTES_RATIO_TARGET } from './routes.js';
import { benchSecretGuard, describeSecretGuard, SECRET_GUARD_SHARE_LIMIT } from './secret-guard.js';
import { benchStoreWrites } from './store-writes.js';
import { wrkMissing } from './wrk.js';

/** A write on the full store may cost at most this many times the empty store's. */
const STORE_WRITE_RATIO_LIMIT = 1.5;

const missing = wrkMissing();
if (missing) {
  console.error(missing);
  process.exit(2);
}

const failures: string[] = [];
const store = await benchStoreWrites();
console.log('Key writes, median of 200, a key store with 100,000 daily usage totals vs an empty one:');
console.log(`  create  empty ${store.emptyCreateMs.toFixed(3)} ms  full ${store.fullCreateMs.toFixed(3)} ms  ratio ${store.createRatio.toFixed(2)}`);
console.log(`  revoke  empty ${store.emptyRevokeMs.toFixed(3)} ms  full ${store.fullRevokeMs.toFixed(3)} ms  ratio ${store.revokeRatio.toFixed(2)}`);
for (const [name, ratio] of [
  ['create', store.createRatio],
  ['revoke', store.revokeRatio],
] as const) {
  if (ratio > STORE_WRITE_RATIO_LIMIT) failures.push(`key ${name} on a full store costs ${ratio.toFixed(2)}x the empty store (limit ${STORE_WRITE_RATIO_LIMIT}x)`);
}

console.log('\nProxies in front of one mock upstream (32 connections: wrk -t1, median of 3 × 4 s; 1 connection: a sequential undici loop, 3 s):');
const proxies = await benchProxies((line) => console.log(line));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.versions.node}`;
console.log(`\nMachine: ${machine}\n`);
console.log(table(proxies));
console.log('\n| target | this run | met |\n|---|---|---|');
const targetChecks = checks(proxies);
for (const check of targetChecks) {
  console.log(`| ${check.name} | ${check.value} | ${check.met ? 'yes' : '**no**'} |`);
  if (!check.met) failures.push(`${check.name}: ${check.value}`);
}

console.log(
  "\nThe least any gateway does, against the bare proxy itself: a request scope per request (issue 21's process guard) and the body's JSON parsed (to read the model), nothing else (wrk, interleaved rounds, the median of 6 pairs of 4 s):",
);
const floor = await benchGatewayFloor();
console.log(
  `  bare ${floor.bareRps.toFixed(0)} req/s, ${floor.bareCpuUs.toFixed(1)} µs CPU each  floor ${floor.floorRps.toFixed(0)} req/s, ${floor.floorCpuUs.toFixed(1)} µs  ratio ${floor.ratio.toFixed(3)} (the chat throughput target: ${CHAT_THROUGHPUT_TARGET}; a gateway does all of this and more)`,
);

const resultsDir = join(PROJECT_ROOT, 'tests/bench/.results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ time: new Date().toISOString(), machine, store, proxies, checks: targetChecks, floor }, null, 2)}\n`);

console.log(
  "\nRoutes: chat throughput through 20 enabled routes none of which matches, over no routes (one server, the routes switched in the app's settings between rounds; wrk, a warm-up round each, then the median ratio of 8 pairs of 3 s rounds, order swapped each pair, each started on a quiet server):",
);
const routes = await benchRoutes();
console.log(
  `  no routes ${routes.noneRps.toFixed(0)} req/s  20 routes ${routes.twentyRps.toFixed(0)} req/s  ratio ${routes.ratio.toFixed(3)} (target ≥ ${ROUTES_RATIO_TARGET}; pairs ${routes.pairs.map((pair) => pair.toFixed(3)).join(' ')})`,
);
if (routes.ratio < ROUTES_RATIO_TARGET) failures.push(`20 non-matching routes: ${routes.ratio.toFixed(3)} of the throughput without routes (target ${ROUTES_RATIO_TARGET})`);

failures.push(...reportHistorySize(await benchHistorySize()));

console.log('\nSecret guard on vs off (a typical 4 KB prompt, different in every request):');
const guard = await benchSecretGuard(() => undefined);
console.log(`  ${describeSecretGuard(guard)}`);
const guardShare = guard.scanUs / guard.offCpuUs;
if (guardShare > SECRET_GUARD_SHARE_LIMIT) failures.push(`the secret guard's scan takes ${(guardShare * 100).toFixed(1)}% of a chat request's CPU (at most ${SECRET_GUARD_SHARE_LIMIT * 100}%)`);
if (guard.non2xx > 0) failures.push(`${guard.non2xx} requests of the secret guard bench failed`);

if (failures.length > 0) {
  console.error(`\nBenchmark targets missed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nAll benchmark targets met.');
