// Table printers for the core/v1 kinds, column for column as kube-apiserver prints them for
// `kubectl get` (pkg/printers/internalversion).

import type { KubeObject } from '../../../shared/api/types';
import type { TableColumn, TablePrinter } from '../registry';
import { age, arr, creationAge, joinLimited, mapSelectorString, num, obj, spec, status, str } from './format';

export const NAME: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
export const AGE: TableColumn = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

function col(name: string, type: TableColumn['type'] = 'string', priority = 0): TableColumn {
  return { name, type, description: name, ...(priority ? { priority } : {}) };
}

/** NAME and AGE only: what kube-apiserver prints for kinds without a dedicated printer. */
export const defaultPrinter: TablePrinter = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata.name ?? '', creationAge(o, now)],
};

function podPhaseReason(o: KubeObject): { reason: string; ready: number; total: number; restarts: number } {
  const st = status(o);
  let reason = str(st.reason) || str(st.phase) || 'Pending';
  let ready = 0;
  let restarts = 0;
  const statuses = arr(st.containerStatuses).map(obj);
  for (const cs of [...statuses].reverse()) {
    restarts += num(cs.restartCount);
    const state = obj(cs.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (str(waiting.reason)) reason = str(waiting.reason);
    else if (str(terminated.reason)) reason = str(terminated.reason);
    else if (state.terminated !== undefined) reason = num(terminated.signal) ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
    else if (cs.ready === true && state.running !== undefined) ready += 1;
  }
  if (o.metadata.deletionTimestamp) reason = str(st.reason) === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, total: arr(spec(o).containers).length, restarts };
}

export const podPrinter: TablePrinter = {
  columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
  cells(o, now) {
    const p = podPhaseReason(o);
    const st = status(o);
    const gates = arr(spec(o).readinessGates).map((g) => str(obj(g).conditionType));
    const trueConds = new Set(arr(st.conditions).map(obj).filter((c) => c.status === 'True').map((c) => str(c.type)));
    return [
      o.metadata.name ?? '',
      `${p.ready}/${p.total}`,
      p.reason,
      String(p.restarts),
      creationAge(o, now),
      str(st.podIP) || '<none>',
      str(spec(o).nodeName) || '<none>',
      str(st.nominatedNodeName) || '<none>',
      gates.length ? `${gates.filter((g) => trueConds.has(g)).length}/${gates.length}` : '<none>',
    ];
  },
};

function nodeAddress(o: KubeObject, type: string): string {
  const a = arr(status(o).addresses).map(obj).find((x) => x.type === type);
  return a ? str(a.address) : '<none>';
}

export const nodePrinter: TablePrinter = {
  columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
  cells(o, now) {
    const ready = arr(status(o).conditions).map(obj).find((c) => c.type === 'Ready');
    let state = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
    if (spec(o).unschedulable === true) state += ',SchedulingDisabled';
    const roles: string[] = [];
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v) roles.push(v);
    }
    const info = obj(status(o).nodeInfo);
    return [
      o.metadata.name ?? '',
      state,
      roles.length ? roles.sort().join(',') : '<none>',
      creationAge(o, now),
      str(info.kubeletVersion),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};

export const namespacePrinter: TablePrinter = {
  columns: [NAME, col('Status'), AGE],
  cells: (o, now) => [o.metadata.name ?? '', str(status(o).phase), creationAge(o, now)],
};

function servicePorts(o: KubeObject): string {
  const ports = arr(spec(o).ports).map(obj).map((p) => {
    const proto = str(p.protocol, 'TCP');
    return p.nodePort ? `${num(p.port)}:${num(p.nodePort)}/${proto}` : `${num(p.port)}/${proto}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

function externalIp(o: KubeObject): string {
  const s = spec(o);
  const type = str(s.type, 'ClusterIP');
  const external = arr(s.externalIPs).map((x) => str(x));
  if (type === 'ExternalName') return str(s.externalName);
  if (type === 'LoadBalancer') {
    const ingress = arr(obj(status(o).loadBalancer).ingress).map(obj).map((i) => str(i.ip) || str(i.hostname));
    const all = [...ingress, ...external];
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
  cells: (o, now) => [o.metadata.name ?? '', str(spec(o).type, 'ClusterIP'), str(spec(o).clusterIP) || '<none>', externalIp(o), servicePorts(o), creationAge(o, now), mapSelectorString(spec(o).selector)],
};

export const endpointsPrinter: TablePrinter = {
  columns: [NAME, col('Endpoints'), AGE],
  cells(o, now) {
    const list: string[] = [];
    for (const subset of arr(o.subsets).map(obj)) {
      const ports = arr(subset.ports).map(obj);
      for (const a of arr(subset.addresses).map(obj)) {
        if (ports.length === 0) list.push(str(a.ip));
        for (const p of ports) list.push(`${str(a.ip)}:${num(p.port)}`);
      }
    }
    return [o.metadata.name ?? '', joinLimited(list), creationAge(o, now)];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [NAME, col('Data', 'integer'), AGE],
  cells: (o, now) => [o.metadata.name ?? '', Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, creationAge(o, now)],
};

export const secretPrinter: TablePrinter = {
  columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
  cells: (o, now) => [o.metadata.name ?? '', str(o.type, 'Opaque'), Object.keys(obj(o.data)).length, creationAge(o, now)],
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [NAME, col('Secrets', 'integer'), AGE],
  cells: (o, now) => [o.metadata.name ?? '', arr(o.secrets).length, creationAge(o, now)],
};

export const eventPrinter: TablePrinter = {
  columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'integer', 1), { ...NAME, priority: 1 }],
  cells(o, now) {
    const involved = obj(o.involvedObject);
    const source = obj(o.source);
    const last = str(o.lastTimestamp) || str(o.eventTime) || str(o.firstTimestamp) || o.metadata.creationTimestamp;
    const first = str(o.firstTimestamp) || str(o.eventTime) || o.metadata.creationTimestamp;
    return [
      age(last, now),
      str(o.type),
      str(o.reason),
      `${str(involved.kind).toLowerCase()}/${str(involved.name)}`,
      str(involved.fieldPath),
      [str(source.component), str(source.host)].filter(Boolean).join(', '),
      str(o.message).trim(),
      age(first, now),
      num(o.count, 1),
      o.metadata.name ?? '',
    ];
  },
};

export const leasePrinter: TablePrinter = {
  columns: [NAME, col('Holder'), AGE],
  cells: (o, now) => [o.metadata.name ?? '', str(spec(o).holderIdentity) || '<none>', creationAge(o, now)],
};
