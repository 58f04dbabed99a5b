/** The CLI's last word on an error: one line with a stable code, never a stack trace. */
import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/report-error.js';
import { DxgwError } from '../../src/errors/codes.js';

describe('reportError', () => {
  it('prints a DxgwError as its code, message and locator, status 2', () => {
    expect(reportError(new DxgwError('DXGW_CLI_BAD_ARGUMENT', 'no sink named "x"', { key: '--sink' }))).toEqual({
      line: 'dxgw: DXGW_CLI_BAD_ARGUMENT: no sink named "x" (at --sink)',
      status: 2,
    });
  });

  it('prints any other error as DXGW_INTERNAL_ERROR on one line without its stack, status 1', () => {
    const error = new TypeError('Invalid URL\n    at new URL (node:internal/url:816:29)');
    const { line, status } = reportError(error);
    expect(status).toBe(1);
    expect(line).toBe('dxgw: DXGW_INTERNAL_ERROR: TypeError: Invalid URL (a bug of dxgw: please report it with the command line)');
    expect(line).not.toContain('\n');
    expect(reportError('thrown text').line).toMatch(/^dxgw: DXGW_INTERNAL_ERROR: Error: thrown text/);
  });
});
