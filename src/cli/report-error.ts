/**
 * What the CLI prints for an error that ends a command: always one line on stderr (no stack
 * trace), led by a stable code, and the exit status. A DxgwError is a fault of the input or
 * the environment (status 2); anything else is a bug of ours (status 1), still one line.
 */
import { DxgwError } from '../errors/codes.js';

export function reportError(error: unknown): { line: string; status: number } {
  if (error instanceof DxgwError) return { line: `dxgw: ${error.describe()}`, status: 2 };
  const e = error instanceof Error ? error : new Error(String(error));
  const message = e.message.split('\n')[0]!.trim();
  return { line: `dxgw: DXGW_INTERNAL_ERROR: ${e.name}: ${message} (a bug of dxgw: please report it with the command line)`, status: 1 };
}
