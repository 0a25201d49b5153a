/**
 * The Kubernetes manifests, checked offline: the base and every overlay rendered with
 * `kubectl kustomize`, each object validated against the kubernetes-models schemas (the
 * prometheus-operator models for the ServiceMonitor), walked against the models' TypeScript
 * types so that an unknown field (a typo) fails, and the references between objects checked.
 * It only reads deploy/k8s; it never talks to a cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import YAML from 'yaml';
import { Namespace, Service, ConfigMap, Secret } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import {
  ENV_OVERRIDES,
  MOUNT_PASSWORD_PREFIX,
  mountPasswordVariable,
  parseStationConfig,
  type StationConfig,
} from '@penguincast/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = join(ROOT, 'deploy', 'k8s');
const TARGETS = ['base', 'overlays/small', 'overlays/large'] as const;
const NAMESPACE = 'penguincast';
/** Secrets the operator creates in the namespace (deploy/README.md says how); never rendered. */
const OPERATOR_SECRETS = ['penguincast-secrets'];
/** The `penguincast <service>` commands and which config value is each one's HTTP port. */
const SERVICES = ['ingest', 'edge', 'admin', 'stats'] as const;
type ServiceName = (typeof SERVICES)[number];

/** One rendered object, as parsed from YAML. */
interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

// Narrow views of the parts the reference checks read; the schemas validate the rest.
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string };
      secretKeyRef?: { name: string };
    };
  }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; httpGet?: unknown } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  volumes?: {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    emptyDir?: unknown;
  }[];
}
interface DeploymentSpec {
  replicas?: number;
  strategy?: { type?: string };
  selector: { matchLabels?: Record<string, string> };
  template: { metadata: { labels?: Record<string, string> }; spec: PodSpec };
}
interface ServiceSpec {
  selector?: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}
interface HpaSpec {
  scaleTargetRef: { apiVersion?: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
}
interface PdbSpec {
  maxUnavailable?: number | string;
  minAvailable?: number | string;
  selector?: { matchLabels?: Record<string, string> };
}
interface ServiceMonitorSpec {
  selector: { matchLabels?: Record<string, string> };
  endpoints: { port?: string; path?: string }[];
}

/** The models each rendered kind is validated with, keyed by `apiVersion/kind`. */
const KINDS: Record<
  string,
  { model: new (data: never) => { validate(): void }; module: string; iface: string }
> = {
  'v1/Namespace': {
    model: Namespace,
    module: 'kubernetes-models/v1/Namespace',
    iface: 'INamespace',
  },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service', iface: 'IService' },
  'v1/ConfigMap': {
    model: ConfigMap,
    module: 'kubernetes-models/v1/ConfigMap',
    iface: 'IConfigMap',
  },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', iface: 'ISecret' },
  'apps/v1/Deployment': {
    model: Deployment,
    module: 'kubernetes-models/apps/v1/Deployment',
    iface: 'IDeployment',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    iface: 'IHorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    iface: 'IPodDisruptionBudget',
  },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    model: ServiceMonitor,
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    iface: 'IServiceMonitor',
  },
};

const kindKey = (o: { apiVersion: string; kind: string }): string => `${o.apiVersion}/${o.kind}`;
const ref = (o: KObject): string => `${o.kind}/${o.metadata.name}`;

// ---------------------------------------------------------------------------------------------
// kubectl

/** kubectl with a Kustomize new enough for these files (`labels`, inline `patches`), or why not. */
function findKubectl(): { bin: string } | { missing: string } {
  const bin = process.env.PENGUINCAST_KUBECTL ?? 'kubectl';
  const r = spawnSync(bin, ['version', '--client', '-o', 'json'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim();
    return {
      missing:
        `kubectl is not usable (${why}); install kubectl 1.21 or newer (with Kustomize v4+) ` +
        'or set PENGUINCAST_KUBECTL to one',
    };
  }
  const version = (JSON.parse(r.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  if (major < 4) {
    return {
      missing: `${bin} has Kustomize ${version || 'of unknown version'}; these files need v4 or newer`,
    };
  }
  return { bin };
}

const kubectl = findKubectl();
let warned = false;

/**
 * Returns kubectl, or skips the test loudly where it is missing; in CI a missing kubectl fails
 * the test instead, since CI's machine must have it.
 */
function needKubectl(t: { skip(message: string): void }): string | undefined {
  if ('bin' in kubectl) {
    return kubectl.bin;
  }
  if (process.env.CI) {
    assert.fail(
      `the Kubernetes manifests could not be checked: ${kubectl.missing} (CI must have kubectl)`,
    );
  }
  const message = `SKIPPED: the Kubernetes manifests were NOT rendered or checked: ${kubectl.missing}`;
  if (!warned) {
    warned = true;
    process.stderr.write(`deploy-k8s: ${message}\n`);
  }
  t.skip(message);
  return undefined;
}

const rendered = new Map<string, KObject[]>();

/** `kubectl kustomize deploy/k8s/<target>`, parsed; rendered once per target. */
function render(bin: string, target: string): KObject[] {
  const cached = rendered.get(target);
  if (cached !== undefined) {
    return cached;
  }
  const r = spawnSync(bin, ['kustomize', join(K8S, target)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `kubectl kustomize ${target} failed: ${r.stderr}`);
  const objects = parseAll(r.stdout, target);
  rendered.set(target, objects);
  return objects;
}

function parseAll(text: string, source: string): KObject[] {
  const docs = YAML.parseAllDocuments(text);
  const objects: KObject[] = [];
  for (const doc of docs) {
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      [],
      `${source}: YAML errors`,
    );
    const value = doc.toJS() as KObject | null;
    if (value !== null) {
      objects.push(value);
    }
  }
  return objects;
}

// ---------------------------------------------------------------------------------------------
// Schemas and unknown fields

/** Every schema problem of the objects (the models' own validators), one line each. */
function schemaProblems(objects: KObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const kind = KINDS[kindKey(o)];
    if (kind === undefined) {
      problems.push(`${ref(o)}: no model for ${kindKey(o)} (add it to KINDS)`);
      continue;
    }
    try {
      new kind.model(o as never).validate();
    } catch (err) {
      problems.push(`${ref(o)}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Finds fields that the models do not declare: the models' validators accept unknown properties
 * (as the API server's lenient decoding would drop them), so a typo like `readinesProbe` would
 * pass them. This walks each object against the model's TypeScript interface instead, loaded
 * with the TypeScript compiler from the packages' own declarations.
 */
class FieldChecker {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor() {
    const file = join(ROOT, 'penguincast', 'test', '__deploy_k8s_kinds__.ts');
    const keys = Object.keys(KINDS);
    const text = [
      ...keys.map(
        (k, i) => `import type { ${KINDS[k]!.iface} as T${i} } from '${KINDS[k]!.module}';`,
      ),
      `export interface Kinds { ${keys.map((k, i) => `'${k}': T${i};`).join(' ')} }`,
    ].join('\n');
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      name === file
        ? ts.createSourceFile(name, text, language)
        : getSourceFile(name, language, ...rest);
    host.fileExists = (name) => name === file || fileExists(name);
    const program = ts.createProgram([file], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    assert.deepEqual(
      diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      [],
      'the kubernetes-models declarations did not load',
    );
    this.checker = program.getTypeChecker();
    const moduleSymbol = this.checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    const kinds = this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'Kinds')!;
    const kindsType = this.checker.getDeclaredTypeOfSymbol(kinds);
    for (const prop of this.checker.getPropertiesOfType(kindsType)) {
      this.roots.set(prop.name, this.checker.getTypeOfSymbol(prop));
    }
  }

  /** The unknown fields of one object, as `Kind/name: path: …` lines. */
  problems(o: KObject): string[] {
    const root = this.roots.get(kindKey(o));
    if (root === undefined) {
      return [`${ref(o)}: no model for ${kindKey(o)}`];
    }
    const out: string[] = [];
    this.walk(o, root, '', out);
    return out.map((p) => `${ref(o)}: ${p}`);
  }

  private walk(value: unknown, declared: ts.Type, path: string, out: string[]): void {
    if (declared.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      return;
    }
    if (value === null || typeof value !== 'object') {
      return; // Scalars: the schema validators check their types and formats.
    }
    const type = this.checker.getNonNullableType(declared);
    const parts = type.isUnion() ? type.types : [type];
    if (Array.isArray(value)) {
      const array = parts.find((p) => this.checker.isArrayType(p));
      const element =
        array === undefined
          ? undefined
          : this.checker.getTypeArguments(array as ts.TypeReference)[0];
      if (element !== undefined) {
        value.forEach((v, i) => this.walk(v, element, `${path}[${i}]`, out));
      }
      return;
    }
    const objects = parts.filter(
      (p) => (p.flags & ts.TypeFlags.Object) !== 0 && !this.checker.isArrayType(p),
    );
    if (objects.length === 0) {
      return; // An object where the model has a scalar: the validators report it.
    }
    for (const [key, v] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      let fieldType: ts.Type | undefined;
      for (const candidate of objects) {
        const prop = candidate.getProperty(key);
        if (prop !== undefined) {
          fieldType = this.checker.getTypeOfSymbol(prop);
          break;
        }
        const index = this.checker.getIndexInfoOfType(candidate, ts.IndexKind.String);
        if (index !== undefined) {
          fieldType = index.type;
          break;
        }
      }
      if (fieldType === undefined) {
        out.push(`${at}: unknown field "${key}"`);
        continue;
      }
      this.walk(v, fieldType, at, out);
    }
  }
}

let fieldChecker: FieldChecker | undefined;
const fields = (): FieldChecker => (fieldChecker ??= new FieldChecker());

// ---------------------------------------------------------------------------------------------
// References between objects

const byKind = <S>(objects: KObject[], kind: string): (KObject & { spec: S })[] =>
  objects.filter((o) => o.kind === kind) as (KObject & { spec: S })[];

/** True when every pair of `selector` is in `labels` (and the selector is not empty). */
function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> = {},
) {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

/** The PenguinCast service a container runs (`penguincast <service>`), if it is one. */
function serviceOf(c: Container): ServiceName | undefined {
  const s = c.args?.[0];
  return (SERVICES as readonly string[]).includes(s ?? '') ? (s as ServiceName) : undefined;
}

function portNumber(c: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') {
    return c.ports?.some((p) => p.containerPort === port) ? port : undefined;
  }
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** The seconds a `preStop` hook of `sleep N` waits, or undefined for any other hook. */
function preStopSeconds(c: Container): number | undefined {
  const cmd = c.lifecycle?.preStop?.exec?.command ?? [];
  const at = cmd.indexOf('sleep');
  return at >= 0 ? Number(cmd[at + 1]) : undefined;
}

/** What a PenguinCast pod of this render reads: config.json from its ConfigMap plus the env. */
function stationConfig(objects: KObject[]): { config: StationConfig; env: Record<string, string> } {
  const maps = byKind<never>(objects, 'ConfigMap');
  const configMap = maps.find((m) => m.data?.['config.json'] !== undefined);
  assert.ok(configMap, 'no ConfigMap holds config.json');
  const envMap = maps.find((m) => m.metadata.name.startsWith('penguincast-env'));
  assert.ok(envMap, 'no penguincast-env ConfigMap');
  const doc = JSON.parse(configMap.data!['config.json']!) as { Mounts?: { Name: string }[] };
  // The operator's Secret supplies the passwords; stand-ins make the config complete.
  const secrets: Record<string, string> = { PENGUINCAST_ADMIN_PASSWORD: 'stand-in' };
  for (const m of doc.Mounts ?? []) {
    secrets[mountPasswordVariable(m.Name)] = 'stand-in';
  }
  const env = { ...(envMap.data ?? {}) };
  return { config: parseStationConfig(doc, { ...env, ...secrets }, configMap.metadata.name), env };
}

/** Every broken reference or missing safeguard in one render, one line each. */
function referenceProblems(objects: KObject[]): string[] {
  const problems: string[] = [];
  const add = (ok: unknown, message: string): void => {
    if (!ok) {
      problems.push(message);
    }
  };
  const namespaces = byKind<never>(objects, 'Namespace');
  add(
    namespaces.length === 1 && namespaces[0]!.metadata.name === NAMESPACE,
    `one Namespace ${NAMESPACE}`,
  );
  for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
    add(o.metadata.namespace === NAMESPACE, `${ref(o)} is not in namespace ${NAMESPACE}`);
  }
  const seen = new Set<string>();
  for (const o of objects) {
    add(!seen.has(ref(o)), `${ref(o)} is defined twice`);
    seen.add(ref(o));
  }
  add(
    byKind(objects, 'Secret').length === 0,
    'a Secret is rendered: passwords belong to the operator',
  );

  const configMaps = new Set(byKind<never>(objects, 'ConfigMap').map((m) => m.metadata.name));
  const deployments = byKind<DeploymentSpec>(objects, 'Deployment');
  const services = byKind<ServiceSpec>(objects, 'Service');
  const { config, env } = stationConfig(objects);
  const httpPort: Record<ServiceName, number> = {
    edge: config.Socket.Port,
    ingest: config.Cluster.IngestPort,
    admin: config.Cluster.AdminPort,
    stats: config.Cluster.StatsPort,
  };

  // The shared environment: known variables only (a typo would be ignored by the services), no
  // password, and every URL pointing at a Service port of this render.
  const known = new Set(ENV_OVERRIDES.map((e) => e.name));
  for (const [name, value] of Object.entries(env)) {
    add(
      known.has(name) || name.startsWith(MOUNT_PASSWORD_PREFIX),
      `penguincast-env: ${name} is no PENGUINCAST_* variable the services read`,
    );
    add(!/PASSWORD/.test(name), `penguincast-env: ${name} is a password in a ConfigMap`);
    if (/_URL$/.test(name)) {
      const url = new URL(value);
      const svc = services.find((s) => s.metadata.name === url.hostname);
      add(
        svc?.spec.ports.some((p) => p.port === Number(url.port)),
        `penguincast-env: ${name}=${value} names no Service port`,
      );
    }
  }
  add(
    env.PENGUINCAST_HOST !== undefined,
    'penguincast-env: no PENGUINCAST_HOST (public host name)',
  );
  const configText = JSON.stringify(
    JSON.parse(
      byKind<never>(objects, 'ConfigMap').find((m) => m.data?.['config.json'])!.data![
        'config.json'
      ]!,
    ),
  );
  add(!/Password"/.test(configText), 'config.json in the ConfigMap holds a password');

  const documented = readFileSync(join(ROOT, 'deploy', 'README.md'), 'utf8');
  const secretRefOk = (name: string, where: string): void => {
    add(
      OPERATOR_SECRETS.includes(name),
      `${where}: Secret ${name} is neither rendered nor the operator's`,
    );
    add(
      documented.includes(`create secret generic ${name}`),
      `${where}: deploy/README.md does not say how to create Secret ${name}`,
    );
  };

  for (const d of deployments) {
    const where = ref(d);
    const pod = d.spec.template.spec;
    const labels = d.spec.template.metadata.labels ?? {};
    add(selects(d.spec.selector.matchLabels, labels), `${where}: selector does not match its pods`);
    add(pod.securityContext?.runAsNonRoot === true, `${where}: pods may run as root`);
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      if (v.configMap) {
        add(
          configMaps.has(v.configMap.name),
          `${where}: volume ${v.name}: no ConfigMap ${v.configMap.name}`,
        );
      }
      if (v.secret) {
        secretRefOk(v.secret.secretName, `${where}: volume ${v.name}`);
      }
    }
    for (const c of pod.containers) {
      const at = `${where}/${c.name}`;
      add(c.image, `${at}: no image`);
      add(
        c.resources?.requests?.cpu && c.resources.requests.memory,
        `${at}: no CPU and memory requests`,
      );
      add(c.resources?.limits?.memory, `${at}: no memory limit`);
      add(
        c.securityContext?.allowPrivilegeEscalation === false,
        `${at}: privilege escalation allowed`,
      );
      add(c.securityContext?.readOnlyRootFilesystem === true, `${at}: writable root file system`);
      add(c.readinessProbe && c.livenessProbe, `${at}: no readiness or liveness probe`);
      for (const m of c.volumeMounts ?? []) {
        add(volumes.has(m.name), `${at}: mounts ${m.name}, which is no volume`);
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) {
          add(
            configMaps.has(e.configMapRef.name),
            `${at}: envFrom names no ConfigMap ${e.configMapRef.name}`,
          );
        }
        if (e.secretRef) {
          secretRefOk(e.secretRef.name, `${at}: envFrom`);
        }
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef?.name;
        add(
          cm === undefined || configMaps.has(cm),
          `${at}: env ${e.name} names no ConfigMap ${cm}`,
        );
        if (e.valueFrom?.secretKeyRef) {
          secretRefOk(e.valueFrom.secretKeyRef.name, `${at}: env ${e.name}`);
        }
        add(!/PASSWORD/.test(e.name) || e.value === undefined, `${at}: ${e.name} is a literal`);
      }
      const service = serviceOf(c);
      if (service === undefined) {
        continue;
      }
      // A PenguinCast container: probes on its own HTTP port, the paths every service answers.
      const port = httpPort[service];
      const ready = c.readinessProbe?.httpGet;
      const live = c.livenessProbe?.httpGet;
      add(ready?.path === '/readyz', `${at}: readiness probe is not GET /readyz`);
      add(live?.path === '/healthz', `${at}: liveness probe is not GET /healthz`);
      add(portNumber(c, ready?.port) === port, `${at}: readiness probe is not on port ${port}`);
      add(portNumber(c, live?.port) === port, `${at}: liveness probe is not on port ${port}`);
      if (service === 'edge' || service === 'ingest') {
        add(portNumber(c, port + 1) !== undefined, `${at}: no SHOUTcast v1 port ${port + 1}`);
      }
      add(
        c.envFrom?.some((e) => e.configMapRef?.name.startsWith('penguincast-env')) &&
          c.envFrom.some((e) => e.secretRef?.name === 'penguincast-secrets'),
        `${at}: does not read penguincast-env and penguincast-secrets`,
      );
      // The root is read-only: logs and dump files need a writable folder of their own.
      add(
        c.volumeMounts?.some(
          (m) =>
            m.mountPath === '/var/lib/penguincast' && volumes.get(m.name)?.emptyDir !== undefined,
        ),
        `${at}: no writable /var/lib/penguincast`,
      );
      add(
        c.volumeMounts?.some(
          (m) =>
            m.mountPath === '/etc/penguincast' &&
            configMaps.has(volumes.get(m.name)?.configMap?.name ?? ''),
        ),
        `${at}: config.json is not mounted at /etc/penguincast`,
      );
    }
  }

  // Services select existing pods, on ports those pods declare.
  for (const s of services) {
    const pods = deployments.filter((d) =>
      selects(s.spec.selector, d.spec.template.metadata.labels),
    );
    add(pods.length > 0, `${ref(s)}: selects no pods`);
    for (const p of s.spec.ports) {
      for (const d of pods) {
        const ok = d.spec.template.spec.containers.some(
          (c) => portNumber(c, p.targetPort ?? p.port) !== undefined,
        );
        add(
          ok,
          `${ref(s)}: port ${p.name ?? p.port} targets ${p.targetPort}, which ${ref(d)} lacks`,
        );
      }
    }
  }

  // Edges: scaled by the HPA, drained gently.
  const edge = deployments.find((d) => d.metadata.name === 'edge');
  add(edge, 'no edge Deployment');
  const hpas = byKind<HpaSpec>(objects, 'HorizontalPodAutoscaler');
  add(hpas.length === 1, 'not exactly one HorizontalPodAutoscaler');
  for (const h of hpas) {
    const target = h.spec.scaleTargetRef;
    add(
      target.kind === 'Deployment' && target.apiVersion === 'apps/v1' && target.name === 'edge',
      `${ref(h)}: does not target Deployment edge`,
    );
    add((h.spec.minReplicas ?? 1) >= 2, `${ref(h)}: fewer than two edges`);
    add((h.spec.minReplicas ?? 1) <= h.spec.maxReplicas, `${ref(h)}: minReplicas > maxReplicas`);
  }
  const pdbs = byKind<PdbSpec>(objects, 'PodDisruptionBudget');
  add(pdbs.length === 1, 'not exactly one PodDisruptionBudget');
  for (const p of pdbs) {
    const matched = deployments.filter((d) =>
      selects(p.spec.selector?.matchLabels, d.spec.template.metadata.labels),
    );
    add(
      matched.length === 1 && matched[0]!.metadata.name === 'edge',
      `${ref(p)}: selects ${matched.map(ref).join(', ') || 'nothing'}, not the edges alone`,
    );
    const min = hpas[0]?.spec.minReplicas ?? 1;
    add(
      typeof p.spec.maxUnavailable === 'number' && p.spec.maxUnavailable < min,
      `${ref(p)}: maxUnavailable ${p.spec.maxUnavailable} would let a drain stop every edge (min ${min})`,
    );
  }
  if (edge) {
    add(edge.spec.replicas === undefined, 'Deployment/edge sets replicas, which the HPA owns');
    const pod = edge.spec.template.spec;
    const c = pod.containers.find((x) => serviceOf(x) === 'edge');
    add(c, 'Deployment/edge runs no `penguincast edge` container');
    const wait = c === undefined ? undefined : preStopSeconds(c);
    add(wait !== undefined && wait > 0, 'Deployment/edge: no preStop wait before SIGTERM');
    const grace = pod.terminationGracePeriodSeconds;
    add(grace !== undefined, 'Deployment/edge: no terminationGracePeriodSeconds');
    // After the preStop wait, SIGTERM ends the listeners; that needs time of its own.
    add(
      grace !== undefined && wait !== undefined && grace >= wait + 10,
      `Deployment/edge: grace ${grace}s leaves under 10 s after preStop's ${wait}s`,
    );
  }

  // One stats (two would count every listener twice), one ingest (mount leases).
  const stats = deployments.find((d) => d.metadata.name === 'stats');
  add(
    stats?.spec.replicas === 1 && stats.spec.strategy?.type === 'Recreate',
    'stats: not one replica, Recreate',
  );
  add(
    deployments.find((d) => d.metadata.name === 'ingest')?.spec.replicas === 1,
    'ingest: not one replica',
  );

  // The ServiceMonitor scrapes /metrics of every PenguinCast service through a named port.
  for (const m of byKind<ServiceMonitorSpec>(objects, 'ServiceMonitor')) {
    const matched = services.filter((s) => selects(m.spec.selector.matchLabels, s.metadata.labels));
    for (const name of SERVICES) {
      add(
        matched.some((s) => s.metadata.name === name),
        `${ref(m)}: does not scrape Service ${name}`,
      );
    }
    for (const e of m.spec.endpoints) {
      add(e.path === '/metrics', `${ref(m)}: endpoint path ${e.path} is not /metrics`);
      for (const s of matched) {
        add(
          s.spec.ports.some((p) => p.name === e.port),
          `${ref(m)}: ${ref(s)} has no port ${e.port}`,
        );
      }
    }
  }
  add(byKind(objects, 'ServiceMonitor').length === 1, 'not exactly one ServiceMonitor');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The tests

for (const target of TARGETS) {
  test(`k8s ${target}: renders, and every object passes the kubernetes-models schemas`, (t) => {
    const bin = needKubectl(t);
    if (bin === undefined) {
      return;
    }
    const objects = render(bin, target);
    assert.ok(objects.length >= 15, `only ${objects.length} objects rendered`);
    assert.deepEqual(schemaProblems(objects), []);
  });

  test(`k8s ${target}: no field unknown to the models (typos fail)`, (t) => {
    const bin = needKubectl(t);
    if (bin === undefined) {
      return;
    }
    assert.deepEqual(
      render(bin, target).flatMap((o) => fields().problems(o)),
      [],
    );
  });

  test(`k8s ${target}: references between objects hold; probes, drain and limits in place`, (t) => {
    const bin = needKubectl(t);
    if (bin === undefined) {
      return;
    }
    assert.deepEqual(referenceProblems(render(bin, target)), []);
  });
}

test('k8s overlays: small and large differ in edge replicas, HPA bounds and drain', (t) => {
  const bin = needKubectl(t);
  if (bin === undefined) {
    return;
  }
  const view = (target: string) => {
    const objects = render(bin, target);
    const hpa = byKind<HpaSpec>(objects, 'HorizontalPodAutoscaler')[0]!.spec;
    const edge = byKind<DeploymentSpec>(objects, 'Deployment').find(
      (d) => d.metadata.name === 'edge',
    )!;
    const pod = edge.spec.template.spec;
    const c = pod.containers[0]!;
    const admin = byKind<DeploymentSpec>(objects, 'Deployment').find(
      (d) => d.metadata.name === 'admin',
    )!;
    return {
      min: hpa.minReplicas ?? 1,
      max: hpa.maxReplicas,
      grace: pod.terminationGracePeriodSeconds ?? 30,
      preStop: preStopSeconds(c) ?? 0,
      cpu: c.resources?.requests?.cpu ?? '',
      admins: admin.spec.replicas ?? 1,
    };
  };
  const small = view('overlays/small');
  const large = view('overlays/large');
  assert.deepEqual({ min: small.min, max: small.max }, { min: 2, max: 4 });
  assert.deepEqual({ min: large.min, max: large.max }, { min: 4, max: 20 });
  assert.ok(large.min > small.min && large.max > small.max, 'large scales further than small');
  assert.ok(large.grace > small.grace && large.preStop > small.preStop, 'large drains longer');
  const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
  assert.ok(
    cpu(large.cpu) > cpu(small.cpu),
    `large edges request more CPU (${large.cpu} vs ${small.cpu})`,
  );
  assert.ok(large.admins >= 2, 'large runs more than one admin');
});

// The checks themselves, on the base's own files (no kubectl needed): each must catch its fault.
test('k8s checks catch a typo, a wrong type and a dangling selector', () => {
  const base = (file: string): KObject[] =>
    parseAll(readFileSync(join(K8S, 'base', file), 'utf8'), file);
  const edge = base('edge.yaml').find((o) => o.kind === 'Deployment')!;
  assert.deepEqual(fields().problems(edge), [], 'the base edge Deployment is clean');

  const typo = structuredClone(edge) as KObject & { spec: DeploymentSpec };
  const c = typo.spec.template.spec.containers[0] as unknown as Record<string, unknown>;
  c.readinesProbe = c.readinessProbe;
  delete c.readinessProbe;
  assert.deepEqual(fields().problems(typo), [
    'Deployment/edge: spec.template.spec.containers[0].readinesProbe: unknown field "readinesProbe"',
  ]);

  const wrongType = structuredClone(edge) as KObject & { spec: DeploymentSpec };
  (wrongType.spec as unknown as Record<string, unknown>).replicas = 'two';
  assert.equal(schemaProblems([wrongType]).length, 1, 'replicas: "two" fails the schema');

  const monitor = base('servicemonitor.yaml')[0]!;
  assert.deepEqual(fields().problems(monitor), []);
  const badMonitor = structuredClone(monitor) as KObject & { spec: { endpoints: object[] } };
  badMonitor.spec.endpoints.push({ port: 'http', scrapeInterval: '5s' });
  assert.equal(fields().problems(badMonitor).length, 1, 'an unknown ServiceMonitor field fails');

  const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
  const withNs = (o: KObject): KObject => ({
    ...o,
    metadata: { ...o.metadata, namespace: NAMESPACE },
  });
  const env: KObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'penguincast-env', namespace: NAMESPACE },
    data: { PENGUINCAST_HOST: 'radio.example.org', PENGUINCAST_NATS_URRL: 'nats://nats:4222' },
  };
  const cfg: KObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'penguincast-config', namespace: NAMESPACE },
    data: { 'config.json': readFileSync(join(K8S, 'base', 'config.json'), 'utf8') },
  };
  const objects = [ns, env, cfg, ...base('edge.yaml').map(withNs)];
  const svc = objects.find((o) => o.kind === 'Service') as KObject & { spec: ServiceSpec };
  svc.spec.selector = { 'app.kubernetes.io/name': 'edgy' };
  const problems = referenceProblems(objects);
  assert.ok(problems.includes('Service/edge: selects no pods'), problems.join('\n'));
  assert.ok(
    problems.includes(
      'penguincast-env: PENGUINCAST_NATS_URRL is no PENGUINCAST_* variable the services read',
    ),
    problems.join('\n'),
  );
});
