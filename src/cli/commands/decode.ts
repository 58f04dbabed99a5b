/**
 * `dxgw decode FILE`: every DHCP message in a capture, one JSON object per line (or a table),
 * then a summary on stderr. A damaged file still yields every frame before the damage, and
 * the error names the byte offset.
 */
import type { Command } from 'commander';
import { readCaptureFile } from '../../capture/capture-file.js';
import { FrameDecoder } from '../../dhcp/frame-decoder.js';
import { formatTableRow, TABLE_HEADER, toTableCells } from '../../dhcp/format.js';
import { writeDecodedJsonLine } from '../../dhcp/json-bytes.js';
import { messageTypeName } from '../../dhcp/spec.js';
import { DxgwError } from '../../errors/codes.js';
import { LineWriter } from '../output.js';
import { ProgressBar } from '../progress.js';

type Format = 'json' | 'table' | 'none';

export interface DecodeSummary {
  frames: number;
  dhcpMessages: number;
  dataPackets: number;
  skipped: Record<string, number>;
  decodeErrors: Record<string, number>;
  messagesByType: Record<string, number>;
  fileError: string | null;
}

export async function decodeCaptureFile(path: string, format: Format, out = new LineWriter()): Promise<DecodeSummary> {
  const decoder = new FrameDecoder();
  const progress = new ProgressBar('decoding');
  if (format === 'table') out.line(formatTableRow(TABLE_HEADER));
  let fileError: DxgwError | undefined;
  try {
    await readCaptureFile(path, {
      onFrame(frame) {
        const outcome = decoder.decode(frame);
        if (outcome.kind !== 'dhcp' || format === 'none') return;
        if (format === 'table') return out.line(formatTableRow(toTableCells(outcome)));
        // Bytes straight into the output buffer (the same bytes as toDecodedJsonLine).
        writeDecodedJsonLine(outcome, out);
        out.wrote();
      },
      async afterChunk(bytesRead, totalBytes) {
        progress.update(bytesRead, totalBytes, `${decoder.frames} frames`);
        if (out.shouldFlush) await out.flush();
      },
    });
  } catch (error) {
    if (!(error instanceof DxgwError)) throw error;
    fileError = error;
  }
  progress.done();
  await out.flush();
  const messagesByType: Record<string, number> = {};
  for (const [type, count] of decoder.messagesByType) messagesByType[type === 0 ? 'BOOTP' : messageTypeName(type, 1)] = count;
  return {
    frames: decoder.frames,
    dhcpMessages: decoder.dhcpMessages,
    dataPackets: decoder.dataPackets,
    skipped: { ...decoder.skipped },
    decodeErrors: decoder.errors.toJSON(),
    messagesByType,
    fileError: fileError ? fileError.describe() : null,
  };
}

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('print every DHCP message in a pcap/pcapng capture (one JSON object per line)')
    .argument('<file>', 'pcap or pcapng capture file')
    .option('-f, --format <format>', 'json | table | none (decode and count only)', 'json')
    .action(async (file: string, opts: { format: string }) => {
      if (!['json', 'table', 'none'].includes(opts.format)) {
        throw new DxgwError('DXGW_CLI_BAD_ARGUMENT', `--format must be json, table or none, not "${opts.format}"`, { key: '--format' });
      }
      const summary = await decodeCaptureFile(file, opts.format as Format);
      process.stderr.write(`${JSON.stringify({ summary })}\n`);
      if (summary.fileError) {
        process.stderr.write(`dxgw decode: ${summary.fileError}\n`);
        process.exitCode = 2;
      }
    });
}
