import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { configError, lines, tempFile } from './helpers.js';

describe('reading the file', () => {
  it('names the path of a missing file (DXGW_CONFIG_UNREADABLE)', () => {
    const error = configError(() => loadConfig('/nonexistent/dxgw.yaml', {}));
    expect(error.code).toBe('DXGW_CONFIG_UNREADABLE');
    expect(lines(error)).toEqual(['cannot read config file /nonexistent/dxgw.yaml: no such file']);
  });

  it('names line and column of a YAML syntax error', () => {
    const path = tempFile('site: lab\ncapture:\n  interface: eth0\n   filter: "udp\n');
    const error = configError(() => loadConfig(path, {}));
    expect(error.code).toBe('DXGW_CONFIG_UNREADABLE');
    expect(error.describe()).toMatch(new RegExp(`^DXGW_CONFIG_UNREADABLE: ${path.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    expect(lines(error)[0]).toContain(`${path}:3:`);
  });

  it('refuses a key given twice', () => {
    const path = tempFile('site: a\nsite: b\n');
    expect(lines(configError(() => loadConfig(path, {})))).toEqual([`${path}:2:1: Map keys must be unique`]);
  });

  it('treats an empty file as all defaults, and refuses a document that is a list', () => {
    expect(loadConfig(tempFile(''), {}).site).toBe('default');
    expect(loadConfig(tempFile('# only comments\n'), {}).site).toBe('default');
    const path = tempFile('- a\n- b\n');
    const error = configError(() => loadConfig(path, {}));
    expect(error.code).toBe('DXGW_CONFIG_INVALID');
    expect(lines(error)[0]).toMatch(/the document must be a mapping/);
  });

  it('reports value errors with the file as source', () => {
    const error = configError(() => loadConfig(tempFile('routeMap:\n  - seq: 1\n    action: permit\n    match: { address: 192.0.2.0/33 }\n'), {}));
    expect(error.describe()).toBe('DXGW_CONFIG_INVALID: routeMap[0].match.address: "192.0.2.0/33" is not an IPv4 prefix');
    expect(error.source).toMatch(/dxgw\.yaml$/);
  });
});
