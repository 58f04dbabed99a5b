/** DxgwError codes → HTTP status, and the one JSON error shape every route answers with. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DxgwError, type ErrorCode } from '../errors/codes.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  DXGW_API_BAD_REQUEST: 400,
  DXGW_API_UNAUTHORIZED: 401,
  DXGW_BINDING_NOT_FOUND: 404,
  DXGW_EVENTS_CURSOR_EXPIRED: 410,
  DXGW_EVENTS_CURSOR_UNKNOWN: 404,
  DXGW_NOTIFICATION_NOT_FOUND: 404,
  DXGW_NOTIFICATION_NOT_FAILED: 409,
  DXGW_STORE_CONFLICT: 409,
  DXGW_STORE_UNAVAILABLE: 503,
};

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  /** Where the error says to go on (DXGW_EVENTS_CURSOR_EXPIRED: the oldest and newest retained event ids). */
  details?: Record<string, unknown>;
}

export function errorHandler(error: FastifyError | DxgwError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof DxgwError) {
    const statusCode = STATUS[error.code] ?? 500;
    const details = 'details' in error && typeof error.details === 'object' && error.details !== null ? { details: error.details as Record<string, unknown> } : {};
    void reply.status(statusCode).send({ statusCode, code: error.code, error: error.name, message: error.message, ...details } satisfies ApiErrorBody);
    return;
  }
  const fastifyError = error as FastifyError;
  // Fastify's own (bad JSON, validation, 404 …) keep their status and FST_ code.
  const statusCode = fastifyError.statusCode ?? 500;
  if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(statusCode).send({
    statusCode,
    code: fastifyError.code ?? 'DXGW_INTERNAL_ERROR',
    error: error.name,
    message: statusCode >= 500 ? 'internal error (see the gateway log)' : error.message,
  } satisfies ApiErrorBody);
}
