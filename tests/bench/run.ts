// `npm run bench`: every benchmark, each a ratio measured side by side in this one run.
import { benchHistorySize, reportHistorySize } from './history-size.js';
import { benchProxyThroughput } from './proxy-throughput.js';
import { benchStoreWrites } from './store-writes.js';

/** A write on the full store may cost at most this many times the empty store's. */
const STORE_WRITE_RATIO_LIMIT = 1.5;
/** Loopgate must keep at least this share of a bare undici proxy's throughput. */
const THROUGHPUT_RATIO_FLOOR = 0.85;

const failures: string[] = [];
const store = await benchStoreWrites();
console.log('Key writes, median of 200, 100,000 request-log rows vs empty store:');
console.log(`  create  empty ${store.emptyCreateMs.toFixed(3)} ms  full ${store.fullCreateMs.toFixed(3)} ms  ratio ${store.createRatio.toFixed(2)}`);
console.log(`  revoke  empty ${store.emptyRevokeMs.toFixed(3)} ms  full ${store.fullRevokeMs.toFixed(3)} ms  ratio ${store.revokeRatio.toFixed(2)}`);
for (const [name, ratio] of [['create', store.createRatio], ['revoke', store.revokeRatio]] as const) {
  if (ratio > STORE_WRITE_RATIO_LIMIT) failures.push(`key ${name} on a full store costs ${ratio.toFixed(2)}x the empty store (limit ${STORE_WRITE_RATIO_LIMIT}x)`);
}

const proxy = await benchProxyThroughput();
console.log('\nChat completions through a proxy, requests per second (median of 3 rounds, 32 connections):');
console.log(`  bare undici proxy ${proxy.bareRps.toFixed(0)}  Loopgate ${proxy.loopgateRps.toFixed(0)}  ratio ${proxy.ratio.toFixed(2)}`);
console.log(`  CPU per request in the proxy process: bare ${proxy.bareCpuUs.toFixed(0)} µs, Loopgate ${proxy.loopgateCpuUs.toFixed(0)} µs`);
if (proxy.ratio < THROUGHPUT_RATIO_FLOOR) failures.push(`Loopgate keeps ${proxy.ratio.toFixed(2)}x of a bare proxy's throughput (floor ${THROUGHPUT_RATIO_FLOOR}x)`);

failures.push(...reportHistorySize(await benchHistorySize()));

if (failures.length > 0) {
  console.error(`\nBenchmark targets missed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nAll benchmark targets met.');
