// Preloaded (NODE_OPTIONS=--require) into commands that kwok runs on the host for an exec into an emulated pod
// (test/helpers/control-plane.ts). There is no cluster DNS on the host: a Service name `*.svc.cluster.local`
// resolves to MESH_BENCH_TEST_SERVICE_ADDRESS, the loopback address where the test serves that Service. Any other
// name resolves as usual. net.connect looks dns.lookup up when it connects, so replacing it here is enough.
'use strict';
const dns = require('node:dns');

const address = process.env.MESH_BENCH_TEST_SERVICE_ADDRESS;
const original = dns.lookup;
if (address && /^127\.\d+\.\d+\.\d+$/.test(address)) {
  dns.lookup = function lookup(hostname, options, callback) {
    if (typeof hostname !== 'string' || !hostname.endsWith('.svc.cluster.local')) return original.apply(this, arguments);
    const done = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'object' && options !== null ? options : {};
    if (opts.all) process.nextTick(done, null, [{ address, family: 4 }]);
    else process.nextTick(done, null, address, 4);
    return {};
  };
}
