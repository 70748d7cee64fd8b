// `npm run bench`: every benchmark, each a ratio measured side by side in this one run.
import { benchStoreWrites } from './store-writes.js';

/** A write on the full store may cost at most this many times the empty store's. */
const STORE_WRITE_RATIO_LIMIT = 1.5;

const failures: string[] = [];
const store = await benchStoreWrites();
console.log('Key writes, median of 200, 100,000 request-log rows vs empty store:');
console.log(`  create  empty ${store.emptyCreateMs.toFixed(3)} ms  full ${store.fullCreateMs.toFixed(3)} ms  ratio ${store.createRatio.toFixed(2)}`);
console.log(`  revoke  empty ${store.emptyRevokeMs.toFixed(3)} ms  full ${store.fullRevokeMs.toFixed(3)} ms  ratio ${store.revokeRatio.toFixed(2)}`);
for (const [name, ratio] of [['create', store.createRatio], ['revoke', store.revokeRatio]] as const) {
  if (ratio > STORE_WRITE_RATIO_LIMIT) failures.push(`key ${name} on a full store costs ${ratio.toFixed(2)}x the empty store (limit ${STORE_WRITE_RATIO_LIMIT}x)`);
}

if (failures.length > 0) {
  console.error(`\nBenchmark targets missed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nAll benchmark targets met.');
