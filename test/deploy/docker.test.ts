/**
 * deploy/docker: the Dockerfile and its ignore file, read by a parser (no Docker engine here or
 * in CI, so nothing is built), the image's health check run against a local HTTP server, and
 * compose.yaml's structure plus its dxgw configuration through dxgw's own config loader with
 * the (fake) secrets of dxgw.env.example.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { isLoopback, parseListen } from '../../src/config/listen.js';
import { ROLES } from '../../src/run/gateway.js';
import {
  argValue,
  DEPLOY,
  dig,
  dockerIgnore,
  dockerStages,
  DOCKERFILE_INSTRUCTIONS,
  exists,
  expectNoSecrets,
  imageReference,
  isObject,
  parseDockerfile,
  parseEnvFile,
  read,
  ROOT,
  yamlDocuments,
  type Json,
} from './parsers.js';

const DOCKER = join(DEPLOY, 'docker');
const dockerfile = parseDockerfile(read(join(DOCKER, 'Dockerfile')));
const stages = dockerStages(dockerfile.instructions);
const finalStage = stages.at(-1)!;
const ignore = dockerIgnore(read(join(DOCKER, 'Dockerfile.dockerignore')));

/** Runs an exec-form `node -e …` command the way the container would, with this node. */
async function runNodeCommand(argv: string[], env: Record<string, string> = {}): Promise<number | null> {
  expect(argv[0]).toBe('node');
  const child = spawn(process.execPath, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

let server: Server;
let healthStatus = 200;
let serverUrl = '';
const seenPaths: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seenPaths.push(request.url ?? '');
    response.statusCode = healthStatus;
    response.end(JSON.stringify({ status: healthStatus === 200 ? 'ok' : 'down' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

describe('deploy/docker/Dockerfile', () => {
  it('uses only known instructions, FROM first (after ARGs), no deprecated MAINTAINER', () => {
    expect(dockerfile.instructions.length).toBeGreaterThan(5);
    for (const i of dockerfile.instructions) expect(DOCKERFILE_INSTRUCTIONS, `line ${i.line}: ${i.keyword}`).toContain(i.keyword);
    const first = dockerfile.instructions.find((i) => i.keyword !== 'ARG');
    expect(first?.keyword).toBe('FROM');
    expect(dockerfile.directives.syntax).toMatch(/^docker\/dockerfile:1(\.\d+)*$/);
  });

  it('the parser sees through comments and continuations, and refuses what it cannot read (not vacuous)', () => {
    const parsed = parseDockerfile('# syntax=docker/dockerfile:1\nFROM a:1 AS x\n# note\nRUN one \\\n  # inner comment\n  && two\nCOPY --from=x /a /b\nCMD ["a", "b"]\n');
    expect(parsed.directives).toEqual({ syntax: 'docker/dockerfile:1' });
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'COPY', 'CMD']);
    expect(parsed.instructions[1]!.args).toBe('one && two');
    expect(parsed.instructions[2]!.flags).toEqual({ from: 'x' });
    expect(parsed.instructions[3]!.json).toEqual(['a', 'b']);
    expect(() => parseDockerfile('FROM a:1\nRUN x \\\n')).toThrow(/past the end/);
  });

  it('is multi-stage: a node:20-bookworm build stage, a node:20-bookworm-slim runtime stage; every image pinned by tag, none `latest`', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(stages.map((s) => s.image)).toEqual(['node:20-bookworm', 'node:20-bookworm-slim']);
    for (const stage of stages) {
      const ref = imageReference(stage.image);
      expect(ref.tag ?? ref.digest, stage.image).toBeDefined();
      expect(ref.tag, stage.image).not.toBe('latest');
    }
    // The major version matches package.json's engines (node >= 20).
    const engines = (JSON.parse(read(join(ROOT, 'package.json'))) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20');
    // COPY --from names an earlier stage.
    const names = new Set<string>();
    for (const stage of stages) {
      for (const i of stage.instructions.filter((x) => x.keyword === 'COPY' && x.flags.from !== undefined)) expect(names, `COPY --from=${i.flags.from}`).toContain(i.flags.from);
      if (stage.name) names.add(stage.name);
    }
  });

  it('the build stage installs the libpcap headers and compilers, runs npm ci and npm run build, and fails when `pcap` did not build', () => {
    const runs = stages[0]!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const all = runs.join('\n');
    for (const pkg of ['libpcap-dev', 'python3', 'g++', 'make']) expect(all).toContain(` ${pkg}`);
    expect(all).toMatch(/\bnpm ci\b/);
    expect(all).toMatch(/\bnpm run build\b/);
    expect(all).toContain(`require('pcap')`);
    expect(all).toMatch(/npm prune --omit=dev/);
    // npm ci comes before the sources are copied (cache), and after package*.json are.
    const order = stages[0]!.instructions.map((i) => `${i.keyword} ${i.args}`);
    const copyLock = order.findIndex((l) => l.startsWith('COPY package.json package-lock.json'));
    const ci = order.findIndex((l) => /^RUN npm ci\b/.test(l));
    const copySrc = order.findIndex((l) => l.startsWith('COPY src/'));
    expect(copyLock).toBeGreaterThanOrEqual(0);
    expect(ci).toBeGreaterThan(copyLock);
    expect(copySrc).toBeGreaterThan(ci);
    // package.json really has the build script the Dockerfile calls.
    expect((JSON.parse(read(join(ROOT, 'package.json'))) as { scripts: Record<string, string> }).scripts.build).toMatch(/\btsc\b/);
  });

  it('the runtime stage adds only the libpcap library (no -dev, no compiler) and runs as a numeric non-root USER set before ENTRYPOINT', () => {
    const runs = finalStage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toContain('libpcap0.8');
    expect(runs).not.toMatch(/-dev\b|\bg\+\+|\bpython3\b/);
    const keywords = finalStage.instructions.map((i) => i.keyword);
    const users = finalStage.instructions.filter((i) => i.keyword === 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.args.split(':');
    expect(uid).toMatch(/^\d+$/); // numeric: Kubernetes' runAsNonRoot can verify it
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid ?? uid)).toBeGreaterThan(0);
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('ENTRYPOINT'));
    // Nothing after USER switches back to root.
    expect(keywords.slice(keywords.indexOf('USER') + 1)).not.toContain('USER');
    // The uid the Kubernetes manifests and docs rely on.
    expect(uid).toBe('10001');
  });

  it('ENTRYPOINT is `node bin/dxgw.js run` (exec form) in /opt/dxgw, with the config path as default CMD', () => {
    const entry = finalStage.instructions.filter((i) => i.keyword === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(entry[0]!.json).toEqual(['node', 'bin/dxgw.js', 'run']);
    expect(exists(join(ROOT, 'bin', 'dxgw.js'))).toBe(true);
    expect(finalStage.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args).toBe('/opt/dxgw');
    expect(finalStage.instructions.find((i) => i.keyword === 'CMD')?.json).toEqual(['--config', '/etc/dxgw/dxgw.yaml']);
    expect(finalStage.instructions.find((i) => i.keyword === 'STOPSIGNAL')?.args ?? 'SIGTERM').toBe('SIGTERM');
    expect(finalStage.instructions.find((i) => i.keyword === 'EXPOSE')?.args.split(/\s+/)).toEqual(['8080/tcp', '1161/udp', '3799/udp']);
  });

  it('copies from the build context only what exists and what Dockerfile.dockerignore lets through', () => {
    const copies = stages.flatMap((s) => s.instructions).filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.from === undefined);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      for (const source of parts.slice(0, -1)) {
        const path = source.replace(/\/$/, '');
        expect(exists(join(ROOT, path)), `COPY ${source}: not in the repository`).toBe(true);
        expect(ignore.ignored(path), `COPY ${source}: excluded by Dockerfile.dockerignore`).toBe(false);
        expect(ignore.ignored(`${path}/x`), `COPY ${source}: contents excluded`).toBe(false);
      }
    }
    expect(finalStage.instructions.some((i) => i.keyword === 'ADD')).toBe(false);
  });

  it('Dockerfile.dockerignore keeps secrets, host builds and git out of the context', () => {
    expect(ignore.patterns[0]).toBe('*');
    for (const path of ['deploy/docker/dxgw.env', 'node_modules/x', 'dist/cli/main.js', '.git/config', '.dxgw/x', 'test/fixtures/many-clients.pcap']) expect(ignore.ignored(path), path).toBe(true);
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'bin/dxgw.js', 'src/cli/main.ts', 'src/leases/lua/commit-transitions.lua']) expect(ignore.ignored(path), path).toBe(false);
  });

  it('HEALTHCHECK fetches /healthz with node: exit 0 when it answers 200, 1 on 503 or no answer', async () => {
    const checks = finalStage.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    const check = checks[0]!;
    expect(check.json?.slice(0, 2)).toEqual(['node', '-e']);
    expect(check.json?.[2]).toContain(`'http://127.0.0.1:8080/healthz'`);
    for (const flag of ['interval', 'timeout', 'start-period', 'retries']) expect(check.flags[flag], flag).toBeDefined();
    const argv = check.json!;
    healthStatus = 200;
    seenPaths.length = 0;
    expect(await runNodeCommand(argv, { HEALTHCHECK_URL: `${serverUrl}/healthz` })).toBe(0);
    expect(seenPaths).toEqual(['/healthz']);
    healthStatus = 503;
    expect(await runNodeCommand(argv, { HEALTHCHECK_URL: `${serverUrl}/healthz` })).toBe(1);
    expect(await runNodeCommand(argv, { HEALTHCHECK_URL: 'http://127.0.0.1:1/healthz' })).toBe(1);
    healthStatus = 200;
  });
});

// ---- compose ----------------------------------------------------------------------------------

const compose = yamlDocuments(join(DOCKER, 'compose.yaml'), { merge: true })[0] as Json;
const services = compose.services as Record<string, Json>;
const exampleEnv = parseEnvFile(read(join(DOCKER, 'dxgw.env.example')), 'dxgw.env.example');
const dxgwServices = Object.entries(services).filter(([, s]) => typeof s.image === 'string' && imageReference(s.image).name === 'dxgw');

/** The env a dxgw service's process sees: its env_file (the example's fake values), then environment. */
function serviceEnv(service: Json): Record<string, string> {
  const envFiles = ([] as unknown[]).concat(service.env_file ?? []);
  expect(envFiles).toEqual(['dxgw.env']);
  const environment = (service.environment ?? {}) as Record<string, unknown>;
  expect(isObject(environment)).toBe(true);
  return { ...exampleEnv, ...Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])) };
}

/** The host path compose mounts at the `--config` path of a service's command. */
function configFileOf(service: Json): string {
  const command = service.command as string[];
  const target = argValue(command, '--config')!;
  const mount = (service.volumes as string[]).map((v) => v.split(':')).find((parts) => parts[1] === target);
  expect(mount, `a volume mounts ${target}`).toBeDefined();
  expect(mount![2]).toBe('ro');
  return join(DOCKER, mount![0]!);
}

function rolesOf(args: string[]): string[] {
  return argValue(args, '--roles')?.split(',') ?? [...ROLES];
}

describe('deploy/docker/compose.yaml', () => {
  it('has redis, dxgw and dxgw-capture; images pinned (no `latest`), Redis 7', () => {
    expect(Object.keys(services).sort()).toEqual(['dxgw', 'dxgw-capture', 'redis']);
    expect(compose.version, 'the obsolete top-level version key').toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      const ref = imageReference(service.image as string);
      expect(ref.tag, name).toBeDefined();
      expect(ref.tag, name).not.toBe('latest');
    }
    expect(imageReference(services.redis!.image as string).tag).toMatch(/^7(\.|$|-)/);
    expect(dxgwServices.map(([n]) => n).sort()).toEqual(['dxgw', 'dxgw-capture']);
    for (const [name, service] of dxgwServices) expect(service.build, name).toEqual({ context: '../..', dockerfile: 'deploy/docker/Dockerfile' });
  });

  it('every service has a restart policy and a health check; dxgw gets time for its graceful stop', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(['always', 'unless-stopped', 'on-failure'], name).toContain(service.restart);
      expect(dig(service, 'healthcheck', 'test'), name).toBeDefined();
      expect(String(service.stop_grace_period), name).toMatch(/^(2\d|[3-9]\d)s$/);
    }
    for (const [name, service] of dxgwServices) {
      expect(dig(service, 'depends_on', 'redis', 'condition'), name).toBe('service_healthy');
      expect(service.read_only, name).toBe(true);
      expect(service.security_opt, name).toContain('no-new-privileges:true');
      expect(service.cap_drop, name).toEqual(['ALL']);
    }
  });

  it('Redis keeps an AOF on a named volume and requires the password dxgw.env gives it', () => {
    const redis = services.redis!;
    const command = (redis.command as string[]).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--requirepass "\$\$REDIS_PASSWORD"/);
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes as Json)).toEqual(['redis-data']);
    expect(redis.env_file).toBe('dxgw.env');
    // Published on the host's loopback only (for the capture container on the host network).
    expect(redis.ports).toEqual(['127.0.0.1:6379:6379']);
    const url = new URL(exampleEnv.DXGW_REDIS__URL!);
    expect(decodeURIComponent(url.password)).toBe(exampleEnv.REDIS_PASSWORD);
    expect([url.hostname, url.port]).toEqual(['redis', '6379']);
  });

  it('dxgw.env is git-ignored, and its example holds only fake values', () => {
    expect(read(join(DOCKER, '.gitignore')).split('\n')).toContain('dxgw.env');
    expect(Object.keys(exampleEnv).length).toBeGreaterThanOrEqual(5);
    for (const [name, value] of Object.entries(exampleEnv)) expect(value, name).toMatch(/FAKE/);
  });

  it('dxgw.yaml holds no secret (they come from dxgw.env)', () => {
    const raw = yamlDocuments(join(DOCKER, 'dxgw.yaml'))[0];
    expectNoSecrets(raw, 'dxgw.yaml');
  });

  it.each(dxgwServices.map(([name]) => name))('%s: its configuration passes dxgw\'s loader with dxgw.env\'s values, and fails without them', (name) => {
    const service = services[name]!;
    const file = configFileOf(service);
    const env = serviceEnv(service);
    const config = loadConfig(file, env);
    expect(config.redis.url).toBe(exampleEnv.DXGW_REDIS__URL);
    expect(config.api.token).toBe(exampleEnv.DXGW_API__TOKEN);
    // The secrets are required: without the env file the service would not start.
    const withoutSecrets = Object.fromEntries(Object.entries(env).filter(([k]) => !(k in exampleEnv)));
    expect(() => loadConfig(file, withoutSecrets)).toThrow(/DXGW_CONFIG_INVALID|secret|token/);
    for (const role of rolesOf(service.command as string[])) expect(ROLES, `${name}: --roles`).toContain(role);
    // The health check asks the API where this service's config makes it listen.
    const test = dig(service, 'healthcheck', 'test') as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    const api = parseListen(config.api.listen)!;
    expect(test[3]).toContain(`'http://127.0.0.1:${api.port}/healthz'`);
    expect(rolesOf(service.command as string[])).toContain('api');
  });

  it('the services\' health-check commands work (run against a local server)', async () => {
    for (const [name, service] of dxgwServices) {
      const argv = (dig(service, 'healthcheck', 'test') as string[]).slice(1);
      const local = argv.map((a) => a.replace(/http:\/\/127\.0\.0\.1:\d+/, serverUrl));
      healthStatus = 200;
      expect(await runNodeCommand(local), name).toBe(0);
      healthStatus = 503;
      expect(await runNodeCommand(local), name).toBe(1);
    }
    healthStatus = 200;
  });

  it('between them the dxgw services run every role', () => {
    const roles = new Set(dxgwServices.flatMap(([, s]) => rolesOf(s.command as string[])));
    expect([...roles].sort(), 'a role of `dxgw run` that no compose service runs: add it to compose.yaml').toEqual([...ROLES].sort());
  });

  it('dxgw-capture: host network, uid 0 with NET_RAW as its only capability, API on loopback, nothing else', () => {
    const capture = services['dxgw-capture']!;
    // capture + api (health, capture metrics): nothing that binds a port on the host's addresses.
    expect(rolesOf(capture.command as string[]).sort()).toEqual(['api', 'capture']);
    expect(capture.network_mode).toBe('host');
    expect(capture.ports).toBeUndefined(); // host network: publishing is meaningless
    expect(capture.user).toBe('0:0');
    expect(capture.cap_add).toEqual(['NET_RAW']);
    expect(capture.cap_drop).toEqual(['ALL']);
    expect(capture.extra_hosts).toEqual(['redis:127.0.0.1']);
    const config = loadConfig(configFileOf(capture), serviceEnv(capture));
    const api = parseListen(config.api.listen)!;
    expect(isLoopback(api.host)).toBe(true);
    // Not on a port the other service publishes on the host.
    const published = ((services.dxgw!.ports as string[]) ?? []).map((p) => Number(p.split(':')[0]));
    expect(published).not.toContain(api.port);
  });

  it('dxgw: no capability, no capture role, and it publishes exactly the ports its configuration listens on', () => {
    const dxgw = services.dxgw!;
    expect(rolesOf(dxgw.command as string[])).not.toContain('capture');
    expect(dxgw.cap_add).toBeUndefined();
    expect(dxgw.user).toBeUndefined(); // the image's uid 10001
    expect(dxgw.network_mode).toBeUndefined();
    const config = loadConfig(configFileOf(dxgw), serviceEnv(dxgw));
    const containerPorts = (dxgw.ports as string[]).map((p) => p.split(':').at(-1));
    const want = [`${parseListen(config.api.listen)!.port}`, `${parseListen(config.snmp.listen)!.port}/udp`, `${parseListen(config.dae.listen)!.port}/udp`];
    expect(containerPorts.sort()).toEqual(want.sort());
    // Listening on every address of the container, so the published ports reach it.
    for (const listen of [config.api.listen, config.snmp.listen, config.dae.listen]) expect(parseListen(listen)!.host).toBe('0.0.0.0');
  });
});
