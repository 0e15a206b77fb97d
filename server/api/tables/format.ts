// Small readers and formatters the Table printers share: safe access into unknown JSON, and
// kubectl's human-readable durations ("5m12s", "3d4h").

import type { LabelSelector } from '../../../shared/api/core';
import { formatLabelSelector } from '../../../shared/api/selectors';
import type { KubeObject } from '../../../shared/api/types';

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function spec(o: KubeObject): Json {
  return obj(o.spec);
}

export function status(o: KubeObject): Json {
  return obj(o.status);
}

/** kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/** Age of a timestamp relative to `now`, or "<unknown>" when absent. */
export function age(ts: unknown, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

export function creationAge(o: KubeObject, now: Date): string {
  return age(o.metadata.creationTimestamp, now);
}

/** Joins at most `max` entries, then ", + N more..." like kubectl. */
export function joinLimited(items: string[], max = 3): string {
  if (items.length === 0) return '<none>';
  const head = items.slice(0, max).join(',');
  return items.length > max ? `${head} + ${items.length - max} more...` : head;
}

/** kubectl's FormatLabelSelector: the sorted string form, "<none>" when empty, "<error>" when invalid. */
export function labelSelectorString(selector: unknown): string {
  try {
    return formatLabelSelector(obj(selector) as LabelSelector) || '<none>';
  } catch {
    return '<error>';
  }
}

export function mapSelectorString(selector: unknown): string {
  const parts = Object.entries(obj(selector)).map(([k, v]) => `${k}=${str(v)}`);
  return parts.length ? parts.join(',') : '<none>';
}
