// `npm run bench`: every benchmark, each printed beside a peer measured in the same run.
// Benchmarks report; they never fail on speed (machines are noisy). `npm run bench -- NAME`
// runs one.
import { benchDecode } from './decode.mjs';
import { benchDelivery } from './delivery.mjs';
import { benchLeases } from './leases.mjs';
import { benchLive } from './live.mjs';
import { benchNotifications } from './notifications.mjs';
import { benchRadius } from './radius.mjs';
import { benchSnmp } from './snmp.mjs';
import { benchSoak } from './soak.mjs';

const benches = { decode: benchDecode, leases: benchLeases, notifications: benchNotifications, delivery: benchDelivery, live: benchLive, radius: benchRadius, snmp: benchSnmp, soak: benchSoak };
const only = process.argv[2];
if (only && !benches[only]) {
  console.error(`unknown benchmark ${only}; one of: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await bench();
}
