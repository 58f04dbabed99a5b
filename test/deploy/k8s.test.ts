/**
 * deploy/k8s: every manifest is a well-formed Kubernetes object of a known kind; references
 * between them resolve (Secret, ConfigMap, Service selectors and ports, probes); the security
 * settings hold; and the ConfigMap's dxgw.yaml, with the Secret's (fake) values and each
 * container's env applied, passes dxgw's loader and `dxgw config check`. No cluster is needed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { isLoopback, parseListen } from '../../src/config/listen.js';
import { applyEnvOverrides } from '../../src/config/env.js';
import { ROLES } from '../../src/run/gateway.js';
import { dxgw } from '../helpers/cli.js';
import { argValue, cleanEnv, containerEnv, DEPLOY, dig, exists, expectNoSecrets, filesUnder, imageReference, tempFile, yamlDocuments, type Json } from './parsers.js';

const K8S = join(DEPLOY, 'k8s');
const MANIFEST_FILES = filesUnder(K8S).filter((f) => f.endsWith('.yaml'));

interface Manifest {
  file: string;
  object: Json;
}

const manifests: Manifest[] = MANIFEST_FILES.flatMap((file) => yamlDocuments(join(K8S, file)).map((object) => ({ file, object: object as Json })));
const objects = manifests.filter((m) => m.object.kind !== 'Kustomization');
const byKind = (kind: string) => objects.filter((m) => m.object.kind === kind);
const named = (kind: string, name: string) => objects.find((m) => m.object.kind === kind && dig(m.object, 'metadata', 'name') === name)?.object;

/** apiVersion each kind is written with (the stable ones current clusters serve). */
const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
};

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const workloads = objects.filter((m) => WORKLOAD_KINDS.has(m.object.kind as string));
const dxgwWorkloads = workloads.filter((w) => (dig(w.object, 'spec', 'template', 'spec', 'containers') as Json[]).some((c) => imageReference(c.image as string).name.endsWith('/dxgw')));

const secrets = new Map<string, Record<string, string>>(byKind('Secret').map((m) => [dig(m.object, 'metadata', 'name') as string, m.object.stringData as Record<string, string>]));
/** The downward-API values the manifests use, faked: a node address for the host-network pod. */
const FIELDS = { 'status.podIP': '10.0.0.5' };

const podSpec = (w: Json) => dig(w, 'spec', 'template', 'spec') as Json;
const containersOf = (w: Json) => podSpec(w).containers as Json[];
const dxgwContainer = (w: Json) => containersOf(w).find((c) => c.name === 'dxgw')!;
const rolesOf = (container: Json) => argValue(container.args as string[], '--roles')?.split(',') ?? [...ROLES];
const isCapture = (w: Json) => rolesOf(dxgwContainer(w)).includes('capture');

/** The ConfigMap file a container's `--config` names, through its volume mounts. */
function configText(workload: Json, container: Json): string {
  const path = argValue(container.args as string[], '--config')!;
  const mount = (container.volumeMounts as Json[]).find((m) => path.startsWith(`${m.mountPath as string}/`));
  expect(mount, `a volume is mounted above ${path}`).toBeDefined();
  expect(mount!.readOnly).toBe(true);
  const volume = (podSpec(workload).volumes as Json[]).find((v) => v.name === mount!.name)!;
  const configMap = named('ConfigMap', dig(volume, 'configMap', 'name') as string);
  expect(configMap, `ConfigMap ${String(dig(volume, 'configMap', 'name'))}`).toBeDefined();
  const key = path.slice((mount!.mountPath as string).length + 1);
  const text = dig(configMap, 'data', key);
  expect(typeof text, `ConfigMap key ${key}`).toBe('string');
  return text as string;
}

describe('deploy/k8s manifests', () => {
  it('every object has apiVersion, kind and metadata.name, with a known kind and version', () => {
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const { file, object } of manifests) {
      expect(API_VERSIONS[object.kind as string], `${file}: kind ${String(object.kind)}`).toBeDefined();
      expect(object.apiVersion, `${file}: ${String(object.kind)}`).toBe(API_VERSIONS[object.kind as string]);
      if (object.kind === 'Kustomization') continue;
      expect(dig(object, 'metadata', 'name'), file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('has the kinds a deployment needs: Namespace, Secret, ConfigMap, gateway and capture workloads, Services, a PDB, a lab Redis', () => {
    const kinds = objects.map((m) => m.object.kind as string);
    for (const kind of ['Namespace', 'Secret', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'StatefulSet']) expect(kinds, kind).toContain(kind);
    expect(dxgwWorkloads.map((w) => dig(w.object, 'metadata', 'name')).sort()).toEqual(['dxgw', 'dxgw-capture']);
    expect(byKind('Service').map((m) => dig(m.object, 'metadata', 'name')).sort()).toEqual(['dxgw-api', 'dxgw-udp', 'redis']);
  });

  it('everything but the Namespace lives in the namespace dxgw', () => {
    expect(byKind('Namespace').map((m) => dig(m.object, 'metadata', 'name'))).toEqual(['dxgw']);
    for (const { file, object } of objects.filter((m) => m.object.kind !== 'Namespace')) expect(dig(object, 'metadata', 'namespace'), `${file}: ${String(object.kind)}`).toBe('dxgw');
    // The capture pod needs hostNetwork + NET_RAW: only the "privileged" Pod Security level admits it.
    expect(dig(byKind('Namespace')[0]!.object, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce')).toBe('privileged');
  });

  it('kustomization.yaml lists every top-level manifest; the example Secret and the lab are in subfolders', () => {
    const kustomization = manifests.find((m) => m.object.kind === 'Kustomization');
    expect(kustomization?.file).toBe('kustomization.yaml');
    const resources = kustomization!.object.resources as string[];
    for (const r of resources) expect(exists(join(K8S, r)), r).toBe(true);
    // Subfolders hold what must not be applied with the rest (the fake Secret, the lab Redis);
    // `kubectl apply -f deploy/k8s` does not descend into them either.
    const expected = MANIFEST_FILES.filter((f) => f !== 'kustomization.yaml' && !f.includes('/'));
    expect(MANIFEST_FILES).toContain('examples/secret.yaml');
    expect([...resources].sort()).toEqual(expected.sort());
    // Namespace first, for `kubectl apply -f` of the same list too.
    expect(resources[0]).toBe('namespace.yaml');
  });

  it('the Secret example: clearly fake values, and every DXGW_* key names a configuration key', () => {
    const data = secrets.get('dxgw-secrets')!;
    expect(data).toBeDefined();
    for (const [key, value] of Object.entries(data)) expect(value, key).toMatch(/FAKE/);
    for (const key of ['DXGW_REDIS__URL', 'DXGW_API__TOKEN']) expect(Object.keys(data)).toContain(key);
    // Keys are checked against the schema (no file needed for the top-level/section ones; list
    // items are checked with the ConfigMap below).
    const sectionKeys = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('DXGW_') && !/__\d+__/.test(k)));
    expect(applyEnvOverrides({}, sectionKeys).issues).toEqual([]);
  });

  it('workloads: selectors match their pod labels; images pinned (no `latest`), the same dxgw image everywhere', () => {
    const dxgwImages = new Set<string>();
    for (const { file, object } of workloads) {
      const selector = dig(object, 'spec', 'selector', 'matchLabels') as Record<string, string>;
      const labels = dig(object, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
      expect(Object.keys(selector).length, file).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(selector)) expect(labels[k], `${file}: label ${k}`).toBe(v);
      for (const container of containersOf(object)) {
        const ref = imageReference(container.image as string);
        expect(ref.tag, `${file}: ${String(container.image)}`).toBeDefined();
        expect(ref.tag).not.toBe('latest');
        if (ref.name.endsWith('/dxgw')) dxgwImages.add(container.image as string);
      }
    }
    expect(dxgwImages.size).toBe(1);
    // Two workloads must not select each other's pods.
    const components = workloads.map((w) => dig(w.object, 'spec', 'selector', 'matchLabels', 'app.kubernetes.io/component'));
    expect(new Set(components).size).toBe(workloads.length);
  });

  it('every container: requests and limits, a read-only root, no privilege escalation, all capabilities dropped', () => {
    for (const { file, object } of workloads) {
      expect(podSpec(object).automountServiceAccountToken, file).toBe(false);
      expect(dig(podSpec(object), 'securityContext', 'seccompProfile', 'type'), file).toBe('RuntimeDefault');
      for (const container of containersOf(object)) {
        const where = `${file}: ${String(container.name)}`;
        for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(dig(container, 'resources', kind, resource), `${where}: ${kind}.${resource}`).toBeDefined();
        expect(dig(container, 'securityContext', 'readOnlyRootFilesystem'), where).toBe(true);
        expect(dig(container, 'securityContext', 'allowPrivilegeEscalation'), where).toBe(false);
        expect(dig(container, 'securityContext', 'capabilities', 'drop'), where).toEqual(['ALL']);
      }
    }
  });

  it('dxgw containers cap V8\'s heap below their memory limit', () => {
    const mebibytes = (q: string) => {
      const m = /^(\d+)(Mi|Gi)$/.exec(q);
      if (!m) throw new Error(`memory quantity ${q}: use Mi or Gi`);
      return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
    };
    for (const { object } of dxgwWorkloads) {
      const container = dxgwContainer(object);
      const options = containerEnv(container, secrets, FIELDS).NODE_OPTIONS ?? '';
      const heap = /--max-old-space-size=(\d+)/.exec(options);
      expect(heap, String(dig(object, 'metadata', 'name'))).not.toBeNull();
      expect(Number(heap![1])).toBeLessThanOrEqual(0.8 * mebibytes(dig(container, 'resources', 'limits', 'memory') as string));
    }
  });

  it('probes: readiness on /readyz and liveness on /healthz, on a named port the container declares', () => {
    for (const { object } of dxgwWorkloads) {
      const container = dxgwContainer(object);
      const ports = container.ports as Json[];
      for (const [probe, path] of [['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const) {
        expect(dig(container, probe, 'httpGet', 'path'), `${String(dig(object, 'metadata', 'name'))}: ${probe}`).toBe(path);
        const port = dig(container, probe, 'httpGet', 'port');
        expect(ports.find((p) => p.name === port && p.protocol === 'TCP'), `${probe} port ${String(port)}`).toBeDefined();
      }
    }
  });

  it('the gateway: 2 replicas, non-root uid 10001, no capability, no host network, every role but capture', () => {
    const gateway = named('Deployment', 'dxgw')!;
    expect(dig(gateway, 'spec', 'replicas')).toBe(2);
    expect(dig(gateway, 'spec', 'strategy', 'rollingUpdate', 'maxUnavailable')).toBe(0);
    const pod = podSpec(gateway);
    expect(dig(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
    expect(dig(pod, 'securityContext', 'runAsUser')).toBe(10001); // the image's USER
    expect(pod.hostNetwork).toBeUndefined();
    const container = dxgwContainer(gateway);
    expect(dig(container, 'securityContext', 'capabilities', 'add')).toBeUndefined();
    expect(rolesOf(container).sort()).toEqual(ROLES.filter((r) => r !== 'capture').sort());
    // A PodDisruptionBudget keeps one replica through drains.
    const pdb = byKind('PodDisruptionBudget')[0]!.object;
    expect(dig(pdb, 'spec', 'selector', 'matchLabels')).toEqual(dig(gateway, 'spec', 'selector', 'matchLabels'));
    expect(dig(pdb, 'spec', 'minAvailable')).toBe(1);
  });

  it('the capture workload: one pod on labelled nodes, host network with cluster DNS, uid 0 with exactly NET_RAW added', () => {
    const capture = dxgwWorkloads.find((w) => isCapture(w.object))!.object;
    expect(capture.kind === 'DaemonSet' || (dig(capture, 'spec', 'replicas') === 1 && dig(capture, 'spec', 'strategy', 'type') === 'Recreate')).toBe(true);
    const pod = podSpec(capture);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(Object.keys(pod.nodeSelector as Json)).toHaveLength(1);
    // Non-root containers never get added capabilities (no ambient set): root with NET_RAW only.
    expect(dig(pod, 'securityContext', 'runAsUser')).toBe(0);
    expect(dig(pod, 'securityContext', 'runAsNonRoot')).toBe(false);
    const container = dxgwContainer(capture);
    expect(dig(container, 'securityContext', 'capabilities', 'add')).toEqual(['NET_RAW']);
    expect(rolesOf(container).sort()).toEqual(['api', 'capture']);
  });

  it('between them the dxgw workloads run every role', () => {
    const roles = new Set(dxgwWorkloads.flatMap((w) => rolesOf(dxgwContainer(w.object))));
    expect([...roles].sort(), 'a role of `dxgw run` that no workload runs: add it to deploy/k8s').toEqual([...ROLES].sort());
  });

  it('Services select the gateway pods and target ports they declare, with the same protocol', () => {
    for (const { object } of byKind('Service')) {
      const selector = dig(object, 'spec', 'selector') as Record<string, string>;
      const targets = workloads.filter((w) => Object.entries(selector).every(([k, v]) => (dig(w.object, 'spec', 'template', 'metadata', 'labels') as Record<string, string>)[k] === v));
      expect(targets, `Service ${String(dig(object, 'metadata', 'name'))}`).toHaveLength(1);
      const declared = containersOf(targets[0]!.object).flatMap((c) => c.ports as Json[]);
      for (const port of dig(object, 'spec', 'ports') as Json[]) {
        expect(declared.find((p) => p.name === port.targetPort && p.protocol === port.protocol), `targetPort ${String(port.targetPort)}/${String(port.protocol)}`).toBeDefined();
      }
    }
    const udp = named('Service', 'dxgw-udp')!;
    expect((dig(udp, 'spec', 'ports') as Json[]).map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['snmp', 161, 'UDP'],
      ['dae', 3799, 'UDP'],
    ]);
    // Per-replica SNMPv3 engine IDs and the DAE duplicate cache need a client to stick to one pod.
    expect(dig(udp, 'spec', 'sessionAffinity')).toBe('ClientIP');
  });

  it('the lab Redis takes its password from the Secret and keeps an AOF on a volume', () => {
    const redis = named('StatefulSet', 'redis')!;
    const container = containersOf(redis)[0]!;
    expect(containerEnv(container, secrets, FIELDS).REDIS_PASSWORD).toBe(secrets.get('dxgw-secrets')!.REDIS_PASSWORD);
    expect((container.command as string[]).join(' ')).toMatch(/--appendonly yes/);
    expect(dig(redis, 'spec', 'volumeClaimTemplates', 0, 'metadata', 'name')).toBe('data');
    expect(dig(podSpec(redis), 'securityContext', 'runAsNonRoot')).toBe(true);
  });
});

describe('deploy/k8s: the ConfigMap\'s dxgw.yaml as each dxgw container sees it', () => {
  it('holds no secret (they come from the Secret)', () => {
    const configMap = named('ConfigMap', 'dxgw-config')!;
    const raw = yamlDocuments(tempFile('dxgw.yaml', dig(configMap, 'data', 'dxgw.yaml') as string))[0];
    expectNoSecrets(raw, 'ConfigMap dxgw-config');
  });

  it.each(dxgwWorkloads.map((w) => dig(w.object, 'metadata', 'name') as string))('%s: passes dxgw\'s loader with the Secret\'s values and its env, and fails without the Secret', (name) => {
    const workload = dxgwWorkloads.find((w) => dig(w.object, 'metadata', 'name') === name)!.object;
    const container = dxgwContainer(workload);
    const file = tempFile('dxgw.yaml', configText(workload, container));
    const env = containerEnv(container, secrets, FIELDS);
    const config = loadConfig(file, env);
    expect(config.redis.url).toBe(secrets.get('dxgw-secrets')!.DXGW_REDIS__URL);
    expect(config.api.token).toBe(secrets.get('dxgw-secrets')!.DXGW_API__TOKEN);
    const secretKeys = new Set(Object.keys(secrets.get('dxgw-secrets')!));
    expect(() => loadConfig(file, Object.fromEntries(Object.entries(env).filter(([k]) => !secretKeys.has(k))))).toThrow();

    // The container declares the ports its configuration listens on, and the probes reach the API.
    const ports = container.ports as Json[];
    const api = parseListen(config.api.listen)!;
    expect(ports.find((p) => p.name === 'http')?.containerPort).toBe(api.port);
    const roles = rolesOf(container);
    if (roles.includes('snmp')) expect(ports.find((p) => p.name === 'snmp')).toMatchObject({ containerPort: parseListen(config.snmp.listen)!.port, protocol: 'UDP' });
    if (roles.includes('dae')) expect(ports.find((p) => p.name === 'dae')).toMatchObject({ containerPort: parseListen(config.dae.listen)!.port, protocol: 'UDP' });
    // Probes come from the kubelet, from outside the pod's loopback: the API must listen beyond it.
    expect(isLoopback(api.host)).toBe(false);
    if (podSpec(workload).hostNetwork) expect(api.host, 'host network: the node address only, not every interface').toBe(FIELDS['status.podIP']);
    else expect(api.host).toBe('0.0.0.0');
  });

  it('several delivery replicas sharing a RADIUS NAS identity do not send Accounting-On/Off', () => {
    const gateway = named('Deployment', 'dxgw')!;
    const config = loadConfig(tempFile('dxgw.yaml', configText(gateway, dxgwContainer(gateway))), containerEnv(dxgwContainer(gateway), secrets, FIELDS));
    expect(dig(gateway, 'spec', 'replicas')).toBeGreaterThan(1);
    const radius = config.sinks.filter((s) => s.type === 'radius');
    expect(radius.length).toBeGreaterThan(0);
    for (const sink of radius) expect(sink.type === 'radius' && sink.accountingOnOff, sink.name).toBe(false);
  });

  it('`dxgw config check` accepts it for every dxgw container (the built CLI, as an operator runs it)', () => {
    for (const { object } of dxgwWorkloads) {
      const container = dxgwContainer(object);
      const file = tempFile('dxgw.yaml', configText(object, container));
      const result = dxgw(['config', 'check', file], { env: { ...cleanEnv(), ...containerEnv(container, secrets, FIELDS) } });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`ok: ${file}\n`);
      expect(result.status).toBe(0);
    }
  });
});
