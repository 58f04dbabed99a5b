/**
 * The parts of net-snmp's agent that dxgw hooks into and @types/net-snmp does not describe
 * (read from node_modules/net-snmp/index.js, 3.29): Agent.onMsg dispatches each decoded,
 * authenticated request to getRequest / getNextRequest / getBulkRequest / setRequest, which
 * dxgw replaces on its agent instance. Transport, BER, communities and USM stay net-snmp's.
 */
import type { Socket, RemoteInfo } from 'node:dgram';
import type { EncodableVarbind } from './ber.js';

export interface RequestVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface RequestPdu {
  type: number;
  id: number;
  varbinds: RequestVarbind[];
  nonRepeaters?: number;
  maxRepetitions?: number;
  contextName?: string;
  getResponsePduForRequest(): ResponsePdu;
}

export interface ResponsePdu {
  /** Encoded by ber.ts, not by net-snmp (see request-handler.ts). */
  varbinds: EncodableVarbind[];
  errorStatus?: number;
  errorIndex?: number;
}

export interface RequestMessage {
  /** 0 = v1, 1 = v2c, 3 = v3. */
  version: number;
  community?: string;
  user?: { name: string; level: number };
  msgGlobalData?: { msgMaxSize: number };
  msgSecurityParameters?: { msgAuthoritativeEngineID: Buffer | string; msgUserName: string };
  pdu: RequestPdu;
  createResponseForRequest(pdu: ResponsePdu): { toBuffer(): Buffer };
}

export type RequestMethod = (socket: Socket, message: RequestMessage, rinfo: RemoteInfo) => void;

export interface AgentInternals {
  listener: { sockets: Record<string, Socket> };
  engine: { engineID: Buffer };
  onMsg(socket: Socket, buffer: Buffer, rinfo: RemoteInfo): void;
  getRequest: RequestMethod;
  getNextRequest: RequestMethod;
  getBulkRequest: RequestMethod;
  setRequest: RequestMethod;
  close(callback?: () => void): void;
}
