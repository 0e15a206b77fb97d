// Probe and lifecycle-hook validation: exactly one handler, its fields (exec command, HTTP path,
// port number or name, scheme, headers, gRPC port) and the probe's numbers.

import type { FieldError } from '../../errors';
import { forbidden, inRange, invalid, invalidEach, isObject, list, nonNegative, oneOf, requiredOneOf, required, str, type Json } from './field';
import { isValidPortName } from './names';

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const HOOK_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

/** A port given as a number (1–65535) or an IANA port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return inRange(path, port, { min: 1, max: 65535 });
  if (typeof port === 'string') {
    if (port === '') return [required(path)];
    return invalidEach(path, port, isValidPortName(port));
  }
  return port === undefined ? [required(path)] : [invalid(path, port, 'must be an integer or a port name')];
}

function validateHandler(h: Json, handlers: readonly string[], path: string): FieldError[] {
  const given = handlers.filter((k) => h[k] !== undefined && h[k] !== null);
  if (given.length === 0) return [required(path, 'must specify a handler type')];
  const errs: FieldError[] = given.slice(1).map((k) => forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
  const at = `${path}.${given[0] ?? ''}`;
  const body = isObject(h[given[0] ?? '']) ? (h[given[0] ?? ''] as Json) : {};
  switch (given[0]) {
    case 'exec':
      if (list(body.command).length === 0) errs.push(required(`${at}.command`));
      break;
    case 'httpGet':
      if (!str(body.path)) errs.push(required(`${at}.path`));
      errs.push(...validatePortNumOrName(body.port, `${at}.port`));
      errs.push(...requiredOneOf(`${at}.scheme`, body.scheme, ['HTTP', 'HTTPS']));
      list(body.httpHeaders).forEach((raw, i) => {
        const name = str(isObject(raw) ? raw.name : undefined);
        if (!/^[-A-Za-z0-9]+$/.test(name)) {
          errs.push(invalid(`${at}.httpHeaders[${i}].name`, name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
        }
      });
      break;
    case 'tcpSocket':
      errs.push(...validatePortNumOrName(body.port, `${at}.port`));
      break;
    case 'grpc':
      errs.push(...(body.port === undefined ? [required(`${at}.port`)] : inRange(`${at}.port`, body.port, { min: 1, max: 65535 })));
      break;
    case 'sleep':
      errs.push(...nonNegative(`${at}.seconds`, body.seconds));
      break;
  }
  return errs;
}

function validateProbe(p: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (p === undefined || p === null) return [];
  if (!isObject(p)) return [invalid(path, p, 'must be an object')];
  const errs = validateHandler(p, PROBE_HANDLERS, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(`${path}.${f}`, p[f]));
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) errs.push(invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  const tgp = p.terminationGracePeriodSeconds;
  if (tgp !== undefined && tgp !== null) {
    if (kind === 'readiness') errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgp, 'must not be set for readinessProbes'));
    else if (typeof tgp !== 'number' || tgp <= 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgp, 'must be greater than 0'));
  }
  return errs;
}

/** The probes and lifecycle hooks of a container at `path`. */
export function validateProbes(c: Json, path: string): FieldError[] {
  const errs = [
    ...validateProbe(c.livenessProbe, `${path}.livenessProbe`, 'liveness'),
    ...validateProbe(c.readinessProbe, `${path}.readinessProbe`, 'readiness'),
    ...validateProbe(c.startupProbe, `${path}.startupProbe`, 'startup'),
  ];
  if (isObject(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const h = c.lifecycle[hook];
      if (isObject(h)) errs.push(...validateHandler(h, HOOK_HANDLERS, `${path}.lifecycle.${hook}`));
    }
  }
  return errs;
}
