import { describe, expect, it } from 'vitest';
import { parseConfig, redactConfig } from '../../../src/config/index.js';

describe('redactConfig', () => {
  const config = parseConfig({
    redis: { url: 'redis://dxgw:s3cret@redis.example.net:6379/0' },
    sinks: [
      { name: 'sae', type: 'http', url: 'https://user:pw@sae.example.net/events', secret: 'hmac-key' },
      { name: 'acct', type: 'radius', servers: [{ host: 'radius.example.net', secret: 'radius-secret' }], nasIdentifier: 'dxgw', nasIp: '192.0.2.1' },
      { name: 'nms', type: 'snmp', targets: [{ host: 'nms.example.net', community: 'trap-community' }] },
    ],
    snmp: { communities: ['ro-secret'], users: [{ name: 'ops', authProtocol: 'sha256', authKey: 'auth-key-1', privProtocol: 'aes', privKey: 'priv-key-1' }] },
    api: { listen: '0.0.0.0:8080', token: 'api-token-0123456789' },
    dae: { clients: [{ address: '192.0.2.9', secret: 'dae-secret' }] },
  });

  it('replaces every secret with *** and masks URL passwords', () => {
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    for (const secret of ['s3cret', 'pw@', 'hmac-key', 'radius-secret', 'trap-community', 'ro-secret', 'auth-key-1', 'priv-key-1', 'api-token', 'dae-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(redacted.redis.url).toBe('redis://dxgw:***@redis.example.net:6379/0');
    expect(redacted.sinks[0]).toMatchObject({ url: 'https://user:***@sae.example.net/events', secret: '***' });
    expect(redacted.snmp.communities).toEqual(['***']);
    expect(redacted.snmp.users[0]).toMatchObject({ name: 'ops', authKey: '***', privKey: '***', authProtocol: 'sha256' });
    expect(redacted.api.token).toBe('***');
    expect(redacted.dae.clients[0]).toEqual({ address: '192.0.2.9', secret: '***' });
  });

  it('leaves everything else alone and does not touch the original', () => {
    const redacted = redactConfig(config);
    expect(redacted.site).toBe(config.site);
    expect(redacted.sinks[1]).toMatchObject({ nasIdentifier: 'dxgw', servers: [{ host: 'radius.example.net', port: 1813, secret: '***' }] });
    expect(config.api.token).toBe('api-token-0123456789');
    expect(redactConfig(parseConfig({})).api.token).toBeUndefined();
  });
});
