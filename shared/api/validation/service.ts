// Service and Endpoints validation: type, ports (names required and unique when several, numbers,
// protocols, target ports, node ports), selector, session affinity, cluster IP and its
// immutability; endpoint addresses and ports.

import type { FieldError } from '../../errors';
import { validateLabels } from './labels';
import type { KubeObject } from '../types';
import { duplicate, forbidden, inRange, invalid, invalidEach, isObject, list, obj, oneOf, requiredOneOf, required, str, type Json } from './field';
import { IP_MESSAGE, isDns1123Label, isDns1123Subdomain, isIP, isQualifiedName } from './names';
import { validatePortNumOrName } from './probe';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateServicePorts(spec: Json): FieldError[] {
  const errs: FieldError[] = [];
  const ports = list(spec.ports);
  const names = new Set<string>();
  const pairs = new Set<string>();
  ports.forEach((raw, i) => {
    const p = isObject(raw) ? raw : {};
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(required(`${at}.name`));
    else if (name) {
      errs.push(...invalidEach(`${at}.name`, name, isDns1123Label(name)));
      if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    errs.push(...(p.port === undefined ? [required(`${at}.port`)] : inRange(`${at}.port`, p.port, { min: 1, max: 65535 })));
    errs.push(...requiredOneOf(`${at}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, `${at}.targetPort`));
    if (p.appProtocol !== undefined) errs.push(...invalidEach(`${at}.appProtocol`, p.appProtocol, isQualifiedName(str(p.appProtocol))));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (spec.type === 'ClusterIP') errs.push(forbidden(`${at}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else errs.push(...inRange(`${at}.nodePort`, p.nodePort, { min: 1, max: 65535 }));
    }
    const pair = JSON.stringify({ port: p.port, protocol: p.protocol });
    if (pairs.has(pair)) errs.push(duplicate(at, { port: p.port, protocol: p.protocol }));
    pairs.add(pair);
  });
  return errs;
}

export function validateService(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const clusterIP = str(spec.clusterIP);
  const headless = clusterIP === 'None';
  errs.push(...requiredOneOf('spec.type', spec.type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  if (list(spec.ports).length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  if (spec.type === 'ExternalName') {
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (!cname) errs.push(required('spec.externalName'));
    else errs.push(...invalidEach('spec.externalName', cname, isDns1123Subdomain(cname)));
    if (clusterIP && !headless) errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  }
  if (clusterIP && !headless && !isIP(clusterIP)) errs.push(invalid('spec.clusterIP', clusterIP, "must be empty, 'None', or a valid IP address"));
  const ips = list(spec.clusterIPs);
  if (ips.length > 0 && clusterIP && ips[0] !== clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  errs.push(...validateServicePorts(spec));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...requiredOneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig !== undefined) errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof timeout !== 'number' || timeout <= 0 || timeout > 86400) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout ?? 0, 'must be greater than 0 and less than 86400'));
  }
  errs.push(...oneOf('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  errs.push(...oneOf('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  list(spec.externalIPs).forEach((ip, i) => {
    if (!isIP(str(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, ip, IP_MESSAGE));
  });
  const oldIP = str(obj(old?.spec).clusterIP);
  if (old && oldIP && spec.type !== 'ExternalName' && obj(old.spec).type !== 'ExternalName' && clusterIP !== oldIP) {
    errs.push(invalid('spec.clusterIP', clusterIP, 'field is immutable'));
  }
  return errs;
}

function validateAddresses(addresses: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  list(addresses).forEach((raw, i) => {
    const a = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    if (!isIP(str(a.ip))) errs.push(invalid(`${at}.ip`, a.ip ?? '', IP_MESSAGE));
    if (str(a.hostname)) errs.push(...invalidEach(`${at}.hostname`, a.hostname, isDns1123Label(str(a.hostname))));
    if (str(a.nodeName)) errs.push(...invalidEach(`${at}.nodeName`, a.nodeName, isDns1123Subdomain(str(a.nodeName))));
  });
  return errs;
}

export function validateEndpoints(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  list(o.subsets).forEach((raw, i) => {
    const s = isObject(raw) ? raw : {};
    const at = `subsets[${i}]`;
    if (list(s.addresses).length + list(s.notReadyAddresses).length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    errs.push(...validateAddresses(s.addresses, `${at}.addresses`), ...validateAddresses(s.notReadyAddresses, `${at}.notReadyAddresses`));
    const ports = list(s.ports);
    const names = new Set<string>();
    ports.forEach((rawPort, j) => {
      const p = isObject(rawPort) ? rawPort : {};
      const pat = `${at}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(required(`${pat}.name`));
      else if (name) {
        errs.push(...invalidEach(`${pat}.name`, name, isDns1123Label(name)));
        if (names.has(name)) errs.push(duplicate(`${pat}.name`, name));
        names.add(name);
      }
      errs.push(...(p.port === undefined ? [required(`${pat}.port`)] : inRange(`${pat}.port`, p.port, { min: 1, max: 65535 })));
      errs.push(...requiredOneOf(`${pat}.protocol`, p.protocol, PROTOCOLS));
    });
  });
  return errs;
}
