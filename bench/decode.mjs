// Decode benchmark (issue 2): `dxgw decode` against tshark on the same large capture, made by
// repeating the frames of the real-peer fixtures with advancing timestamps.
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { heading, row, timed } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const { parseCaptureBuffer } = await import(join(root, 'dist/capture/capture-file.js'));

function fixtureEthernetFrames() {
  const dir = join(root, 'test/fixtures');
  const frames = [];
  for (const name of readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n))) {
    parseCaptureBuffer(readFileSync(join(dir, name)), (f) => {
      if (f.linkType === 1) frames.push(Buffer.from(f.data));
    });
  }
  return frames;
}

async function writeCapture(path, frameCount, frames) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  out.write(header);
  const start = 1_800_000_000;
  let batch = [];
  for (let i = 0; i < frameCount; i++) {
    const data = frames[i % frames.length];
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(start + Math.floor(i / 1000), 0);
    rec.writeUInt32LE((i % 1000) * 1000, 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    batch.push(rec, data);
    if (batch.length >= 4096) {
      if (!out.write(Buffer.concat(batch))) await once(out, 'drain');
      batch = [];
    }
  }
  out.write(Buffer.concat(batch));
  out.end();
  await once(out, 'finish');
}

export async function benchDecode({ frames: frameCount = 1_000_000 } = {}) {
  heading(`decode: ${frameCount.toLocaleString()} frames repeated from the real-peer fixtures`);
  const dir = '/tmp/dxgw-bench';
  mkdirSync(dir, { recursive: true });
  const frames = fixtureEthernetFrames();
  const big = join(dir, `decode-${frameCount}.pcap`);
  const small = join(dir, `decode-${frameCount / 4}.pcap`);
  if (!existsSync(big)) await writeCapture(big, frameCount, frames);
  if (!existsSync(small)) await writeCapture(small, frameCount / 4, frames);
  row('capture size', `${(statSync(big).size / 2 ** 20).toFixed(0)} MiB`);

  const dxgw = join(root, 'bin/dxgw.js');
  const none = await timed(process.execPath, [dxgw, 'decode', '--format', 'none', big]);
  const summary = JSON.parse(none.stderr.trim().split('\n').pop()).summary;
  const json = await timed(process.execPath, [dxgw, 'decode', big]);
  const smallRun = await timed(process.execPath, [dxgw, 'decode', small]);
  const tshark = await timed('tshark', ['-r', big, '-Y', 'dhcp', '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'dhcp.option.dhcp',
    '-e', 'dhcp.id', '-e', 'dhcp.hw.mac_addr', '-e', 'dhcp.ip.your', '-e', 'dhcp.ip.relay', '-e', 'dhcp.option.ip_address_lease_time',
    '-e', 'dhcp.option.agent_information_option.agent_circuit_id']);

  const dhcpFraction = summary.dhcpMessages / summary.frames;
  const rate = (run) => summary.frames / run.seconds;
  row('frames / DHCP messages', `${summary.frames} / ${summary.dhcpMessages} (${(dhcpFraction * 100).toFixed(0)}% DHCP)`);
  row('dxgw decode --format none (decode only)', `${(rate(none) / 1000).toFixed(0)}k frames/s, ${(summary.dhcpMessages / none.seconds / 1000).toFixed(0)}k DHCP/s`);
  row('dxgw decode (JSON lines to /dev/null)', `${(rate(json) / 1000).toFixed(0)}k frames/s, ${(summary.dhcpMessages / json.seconds / 1000).toFixed(0)}k DHCP/s`);
  row('tshark -Y dhcp -T fields', `${(rate(tshark) / 1000).toFixed(0)}k frames/s`);
  row('ratio dxgw JSON / tshark', `${(tshark.seconds / json.seconds).toFixed(1)}x`);
  row('ratio dxgw decode-only / tshark', `${(tshark.seconds / none.seconds).toFixed(1)}x`);
  row(`peak RSS dxgw, ${frameCount / 4} vs ${frameCount} frames`, `${smallRun.peakMiB.toFixed(0)} MiB vs ${json.peakMiB.toFixed(0)} MiB (flat = same)`);
  row('peak RSS tshark', `${tshark.peakMiB.toFixed(0)} MiB`);
}
