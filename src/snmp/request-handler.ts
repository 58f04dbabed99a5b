/**
 * Takes over request processing from net-snmp's MIB store: net-snmp still receives, decodes
 * and authenticates (community list, USM); every GET, GETNEXT, GETBULK and SET it would hand
 * to its own store is answered from the MibView instead. Policy on top of net-snmp's checks:
 * v1 is not served (Counter64 cannot be carried), v3 needs a configured user and our engine
 * ID, communities are read-only. Nothing from the wire can throw out of here.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import snmp from 'net-snmp';
import type { AgentInternals, RequestMessage, RequestVarbind, ResponsePdu } from './net-snmp-internals.js';
import type { BulkLimits, MibView } from './mib-view.js';
import { encodeVarbindList } from './ber.js';
import { tryParseOid } from './oid.js';
import type { SetCheck } from './regions/region.js';

export interface AgentCounters {
  /** Requests answered. */
  responses: number;
  /** Requests not answered by policy (v1, v3 without a user or for another engine). */
  dropped: number;
  /** Packets net-snmp refused (malformed, unknown community, failed authentication …). */
  rejected: number;
  /** Responses too big even after trimming a GETBULK (answered tooBig). */
  tooBig: number;
  /** Unexpected failures while answering (logged through onError). */
  errors: number;
}

export interface RequestHandlerOptions {
  view: MibView;
  limits: BulkLimits & { maxMessageSize: number };
  engineID: Buffer;
  /** May the sender of this (authenticated) request write? */
  canWrite(message: RequestMessage): boolean;
  counters: AgentCounters;
  onError?: (error: unknown) => void;
}

const { PduType, ErrorStatus } = snmp;
const V1 = 0;
const V3 = 3;

export function installRequestHandler(agent: AgentInternals, options: RequestHandlerOptions): void {
  const handle = (socket: Socket, message: RequestMessage, rinfo: RemoteInfo): void => {
    respond(options, socket, message, rinfo).catch((error: unknown) => {
      options.counters.errors++;
      options.onError?.(error);
    });
  };
  agent.getRequest = handle;
  agent.getNextRequest = handle;
  agent.getBulkRequest = handle;
  agent.setRequest = handle;
  // net-snmp's socket listener calls onMsg unguarded: a throw there would be uncaught.
  for (const socket of Object.values(agent.listener.sockets)) {
    socket.removeAllListeners('message');
    socket.on('message', (buffer: Buffer, rinfo: RemoteInfo) => {
      try {
        agent.onMsg(socket, buffer, rinfo);
      } catch (error) {
        options.counters.rejected++;
        options.onError?.(error);
      }
    });
  }
}

function acceptable(message: RequestMessage, engineID: Buffer): boolean {
  if (message.version === V1) return false;
  if (message.version !== V3) return true;
  // net-snmp lets a v3 request with an empty user name through as noAuthNoPriv: refuse it.
  if (!message.user?.name) return false;
  const engine = message.msgSecurityParameters?.msgAuthoritativeEngineID;
  return engine !== undefined && Buffer.from(engine as Buffer).equals(engineID);
}

async function respond(options: RequestHandlerOptions, socket: Socket, message: RequestMessage, rinfo: RemoteInfo): Promise<void> {
  if (!acceptable(message, options.engineID)) {
    options.counters.dropped++;
    return;
  }
  const { view, limits } = options;
  const pdu = message.pdu;
  const response = pdu.getResponsePduForRequest();
  switch (pdu.type) {
    case PduType.GetRequest:
      response.varbinds = pdu.varbinds.map((v) => view.get(v.oid));
      break;
    case PduType.GetNextRequest:
      response.varbinds = pdu.varbinds.map((v) => view.next(v.oid));
      break;
    case PduType.GetBulkRequest:
      response.varbinds = view.bulk(pdu.varbinds, pdu.nonRepeaters ?? 0, pdu.maxRepetitions ?? 0, limits);
      break;
    case PduType.SetRequest:
      await applySet(options, message, response);
      break;
    default:
      options.counters.dropped++;
      return;
  }
  send(options, socket, rinfo, message, response, pdu.type === PduType.GetBulkRequest);
}

/** RFC 3416 §4.2.5: check every varbind first; change nothing unless all of them can be applied. */
async function applySet(options: RequestHandlerOptions, message: RequestMessage, response: ResponsePdu): Promise<void> {
  const requested = message.pdu.varbinds;
  response.varbinds = requested.map((v) => ({ oid: v.oid, type: v.type, value: v.value }));
  const fail = (status: number, index: number): void => {
    response.errorStatus = status;
    response.errorIndex = index + 1;
  };
  if (!options.canWrite(message)) return fail(ErrorStatus.NoAccess, 0);
  const checks = requested.map((v) => checkSet(options.view, v));
  const refused = checks.findIndex((c) => 'error' in c);
  if (refused >= 0) return fail((checks[refused] as { error: number }).error, refused);
  for (let i = 0; i < checks.length; i++) {
    try {
      await (checks[i] as { commit: () => Promise<void> }).commit();
    } catch (error) {
      options.onError?.(error);
      return fail(ErrorStatus.CommitFailed, i);
    }
  }
}

function checkSet(view: MibView, v: RequestVarbind): SetCheck {
  const oid = tryParseOid(v.oid);
  const region = oid && view.regionFor(oid);
  if (!oid || !region) return { error: ErrorStatus.NoCreation };
  return region.checkSet ? region.checkSet(oid, v.type, v.value) : { error: ErrorStatus.NotWritable };
}

/** Encodes and sends; a GETBULK that comes out too big loses trailing varbinds, anything else answers tooBig. */
function send(options: RequestHandlerOptions, socket: Socket, rinfo: RemoteInfo, message: RequestMessage, response: ResponsePdu, bulk: boolean): void {
  const peerMax = message.version === V3 ? (message.msgGlobalData?.msgMaxSize ?? Infinity) : Infinity;
  const maxSize = Math.min(options.limits.maxMessageSize, peerMax);
  let buffer = encode(message, response);
  for (let round = 0; buffer && buffer.length > maxSize && bulk && round < 4; round++) {
    const keep = Math.floor((response.varbinds.length * maxSize * 0.9) / buffer.length);
    if (keep < 1) break;
    response.varbinds = response.varbinds.slice(0, keep);
    buffer = encode(message, response);
  }
  if (buffer && buffer.length > maxSize) {
    options.counters.tooBig++;
    buffer = encode(message, Object.assign(response, { varbinds: [], errorStatus: ErrorStatus.TooBig, errorIndex: 0 }));
  }
  if (!buffer) {
    // A value the encoder refused (a bug, not the peer's fault): answer genErr rather than nothing.
    options.counters.errors++;
    buffer = encode(message, Object.assign(response, { varbinds: [], errorStatus: ErrorStatus.GeneralError, errorIndex: 0 }));
    if (!buffer) return;
  }
  options.counters.responses++;
  socket.send(buffer, rinfo.port, rinfo.address, (error) => {
    if (error) options.onError?.(error);
  });
}

interface BerWriter {
  startSequence(tag: number): void;
  writeInt(value: number, tag?: number): void;
  writeBuffer(raw: Buffer): void;
  endSequence(): void;
}

/** net-snmp writes the message around the PDU; the PDU's varbinds come from our encoder (ber.ts). */
function encode(message: RequestMessage, response: ResponsePdu): Buffer | undefined {
  try {
    const pdu = response as ResponsePdu & { type: number; id: number; toBuffer?: (writer: BerWriter) => void };
    const varbinds = encodeVarbindList(pdu.varbinds);
    pdu.toBuffer = (writer: BerWriter): void => {
      writer.startSequence(pdu.type);
      writer.writeInt(pdu.id);
      writer.writeInt(pdu.errorStatus ?? 0);
      writer.writeInt(pdu.errorIndex ?? 0);
      writer.writeBuffer(varbinds);
      writer.endSequence();
    };
    return message.createResponseForRequest(pdu).toBuffer();
  } catch {
    return undefined;
  }
}
