// Container validation (pkg/apis/core/validation: validateContainers and friends): name, image,
// pull policy, ports, env and envFrom, resources, volume mounts, security context, restart policy
// and the rules that differ for init containers and sidecars. Probes and lifecycle are in probe.ts.

import type { FieldError } from '../../errors';
import { compareQuantities, formatQuantity, quantityError, tryParseQuantity } from '../quantity';
import { validateProbes } from './probe';
import { duplicate, forbidden, inRange, invalid, invalidEach, isObject, list, notFound, oneOf, requiredOneOf, required, str, validateLocalPath, type Json } from './field';
import { isConfigMapKey, isDns1123Label, isDns1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName } from './names';

/** What a container check needs to know: where it is and about its pod. */
export interface ContainerContext {
  /** "spec.containers[0]", "spec.template.spec.initContainers[1]", … */
  path: string;
  volumes: ReadonlySet<string>;
  hostNetwork: boolean;
  init: boolean;
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const NATIVE_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function validatePorts(ports: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((raw, i) => {
    const p = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      errs.push(...invalidEach(`${at}.name`, name, isValidPortName(name)));
      if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(required(`${at}.containerPort`));
    else errs.push(...inRange(`${at}.containerPort`, p.containerPort, { min: 1, max: 65535 }));
    if (p.hostPort !== undefined && p.hostPort !== 0) {
      errs.push(...inRange(`${at}.hostPort`, p.hostPort, { min: 1, max: 65535 }));
      if (ctx.hostNetwork && p.hostPort !== p.containerPort) errs.push(invalid(`${at}.hostPort`, p.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
    errs.push(...requiredOneOf(`${at}.protocol`, p.protocol, PROTOCOLS));
  });
  return errs;
}

function validateKeyRef(ref: Json, path: string, key: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ref.name)) errs.push(required(`${path}.name`));
  if (key) {
    if (!str(ref.key)) errs.push(required(`${path}.key`));
    else errs.push(...invalidEach(`${path}.key`, ref.key, isConfigMapKey(str(ref.key))));
  }
  return errs;
}

function validateFieldRef(ref: Json, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ref.apiVersion)) errs.push(required(`${path}.apiVersion`));
  else if (ref.apiVersion !== 'v1') errs.push(invalid(`${path}.apiVersion`, ref.apiVersion, 'only "v1" is supported'));
  const fp = str(ref.fieldPath);
  if (!fp) return [...errs, required(`${path}.fieldPath`)];
  const subscript = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fp);
  if (subscript) errs.push(...invalidEach(`${path}.fieldPath`, fp, isQualifiedName(subscript[2] ?? '')));
  else if (!ENV_FIELD_PATHS.includes(fp)) errs.push(oneOf(`${path}.fieldPath`, fp, ENV_FIELD_PATHS)[0] ?? invalid(`${path}.fieldPath`, fp));
  return errs;
}

function validateValueFrom(from: Json, path: string, value: string): FieldError[] {
  const errs: FieldError[] = [];
  const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => from[s] !== undefined && from[s] !== null);
  for (const s of sources) {
    const ref = isObject(from[s]) ? (from[s] as Json) : {};
    if (s === 'fieldRef') errs.push(...validateFieldRef(ref, `${path}.fieldRef`));
    else if (s === 'resourceFieldRef') {
      const res = str(ref.resource);
      if (!res) errs.push(required(`${path}.resourceFieldRef.resource`));
      else if (!RESOURCE_FIELDS.includes(res) && !/^(limits|requests)\.hugepages-/.test(res)) errs.push(...oneOf(`${path}.resourceFieldRef.resource`, res, RESOURCE_FIELDS));
      if (ref.divisor !== undefined) errs.push(...[quantityError(ref.divisor, `${path}.resourceFieldRef.divisor`)].filter((e): e is FieldError => e !== undefined));
    } else errs.push(...validateKeyRef(ref, `${path}.${s}`, true));
  }
  if (sources.length === 0) errs.push(invalid(path, from, 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (value !== '') errs.push(invalid(path, sources, 'may not be specified when `value` is not empty'));
  else if (sources.length > 1) errs.push(invalid(path, sources, 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(env: unknown, envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  list(env).forEach((raw, i) => {
    const e = isObject(raw) ? raw : {};
    const at = `${path}.env[${i}]`;
    const name = str(e.name);
    if (!name) errs.push(required(`${at}.name`));
    else errs.push(...invalidEach(`${at}.name`, name, isEnvVarName(name)));
    if (isObject(e.valueFrom)) errs.push(...validateValueFrom(e.valueFrom, `${at}.valueFrom`, str(e.value)));
  });
  list(envFrom).forEach((raw, i) => {
    const e = isObject(raw) ? raw : {};
    const at = `${path}.envFrom[${i}]`;
    if (str(e.prefix)) errs.push(...invalidEach(`${at}.prefix`, e.prefix, isEnvVarName(str(e.prefix))));
    const refs = ['configMapRef', 'secretRef'].filter((r) => isObject(e[r]));
    if (refs.length === 0) errs.push(invalid(at, e, 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(invalid(at, refs, 'may not have more than one field specified at a time'));
    for (const r of refs) {
      const name = str((e[r] as Json).name);
      if (!name) errs.push(required(`${at}.${r}.name`));
      else errs.push(...invalidEach(`${at}.${r}.name`, name, isDns1123Subdomain(name)));
    }
  });
  return errs;
}

function validateResourceList(resources: unknown, path: string): FieldError[] {
  if (resources === undefined || resources === null) return [];
  if (!isObject(resources)) return [invalid(path, resources, 'must be a map of resource names to quantities')];
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(resources)) {
    const at = `${path}.${name}`;
    const standard = NATIVE_RESOURCES.includes(name) || name.startsWith('hugepages-');
    if (!standard && !name.includes('/')) errs.push(invalid(at, name, 'must be a standard resource type or fully qualified'));
    else if (!standard) errs.push(...invalidEach(at, name, isQualifiedName(name)));
    const bad = quantityError(value, at);
    if (bad) {
      errs.push(bad);
      continue;
    }
    const q = tryParseQuantity(value);
    if (q && q.nanos < 0n) errs.push(invalid(at, value, 'must be greater than or equal to 0'));
    else if (q && !standard && q.nanos % 1_000_000_000n !== 0n) errs.push(invalid(at, value, 'must be an integer'));
  }
  return errs;
}

/** Resource requirements: names, quantities, requests ≤ limits (= for non-overcommittable ones). */
export function validateResources(resources: unknown, path: string): FieldError[] {
  if (!isObject(resources)) return [];
  const errs = [...validateResourceList(resources.limits, `${path}.limits`), ...validateResourceList(resources.requests, `${path}.requests`)];
  const limits = isObject(resources.limits) ? resources.limits : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  for (const [name, value] of Object.entries(requests)) {
    const req = tryParseQuantity(value);
    const overcommit = NATIVE_RESOURCES.includes(name);
    if (limits[name] === undefined) {
      if (!overcommit && req) errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
      continue;
    }
    const lim = tryParseQuantity(limits[name]);
    if (!req || !lim) continue;
    if (!overcommit && compareQuantities(req, lim) !== 0) errs.push(invalid(`${path}.requests`, formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
    else if (compareQuantities(req, lim) > 0) errs.push(invalid(`${path}.requests`, formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
  }
  return errs;
}

function validateVolumeMounts(mounts: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(mounts).forEach((raw, i) => {
    const m = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    const name = str(m.name);
    if (!name) errs.push(required(`${at}.name`));
    else if (!ctx.volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(required(`${at}.mountPath`));
    else if (!mountPath.startsWith('/')) errs.push(invalid(`${at}.mountPath`, mountPath, 'must be an absolute path'));
    else if (seen.has(mountPath)) errs.push(invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    seen.add(mountPath);
    if (str(m.subPath)) errs.push(...validateLocalPath(str(m.subPath), `${at}.subPath`));
    if (str(m.subPath) && str(m.subPathExpr)) errs.push(invalid(`${at}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    errs.push(...oneOf(`${at}.mountPropagation`, m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
  });
  return errs;
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isObject(sc)) return [];
  const errs = [...inRange(`${path}.runAsUser`, sc.runAsUser, { min: 0, max: 2147483647 }), ...inRange(`${path}.runAsGroup`, sc.runAsGroup, { min: 0, max: 2147483647 })];
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  errs.push(...oneOf(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  return errs;
}

export function validateSeccomp(profile: unknown, path: string): FieldError[] {
  if (!isObject(profile)) return [];
  const errs = requiredOneOf(`${path}.type`, profile.type, ['Localhost', 'RuntimeDefault', 'Unconfined']);
  if (profile.type === 'Localhost' && !str(profile.localhostProfile)) errs.push(required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
  return errs;
}

/** One container. Duplicate names and host ports across containers are checked by the pod spec. */
export function validateContainer(c: Json, ctx: ContainerContext): FieldError[] {
  const path = ctx.path;
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...invalidEach(`${path}.name`, name, isDns1123Label(name)));
  const image = str(c.image);
  if (!image) errs.push(required(`${path}.image`));
  else if (image.trim() !== image) errs.push(invalid(`${path}.image`, image, 'must not have leading or trailing whitespace'));
  errs.push(...requiredOneOf(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...requiredOneOf(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  errs.push(...validatePorts(c.ports, `${path}.ports`, ctx));
  errs.push(...validateEnv(c.env, c.envFrom, path));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  errs.push(...validateVolumeMounts(c.volumeMounts, `${path}.volumeMounts`, ctx));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  const sidecar = ctx.init && c.restartPolicy === 'Always';
  if (!ctx.init && c.restartPolicy !== undefined) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  if (ctx.init) errs.push(...oneOf(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  if (ctx.init && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[f] !== undefined) errs.push(forbidden(`${path}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
    }
    return errs;
  }
  errs.push(...validateProbes(c, path));
  return errs;
}
