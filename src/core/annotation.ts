// Annotations are what a person reads in the Config console, an aggregator or Security Hub.
// They carry identifiers (cluster and service names) and counts only: never a configuration
// value, since container definitions hold environment values that can be secrets.
import type { PidMode, RevisionUsage } from './types';

/** PutEvaluations accepts 1-256 characters. */
export const ANNOTATION_MAX = 256;
const MARKER = '…';
/** Longest single name shown, so one long cluster name cannot crowd out the rest. */
const NAME_MAX = 40;

export const NOT_APPLICABLE_REASON = {
  notRunning: 'No task with desiredStatus RUNNING uses this revision in any cluster',
  noLongerRunning: 'No longer in use: no task with desiredStatus RUNNING uses this revision in any cluster',
  deleted: 'Deleted: AWS Config no longer holds this revision, and no task with desiredStatus RUNNING uses it in any cluster',
  leftScope: "The resource left the rule's scope",
} as const;

export function describePidMode(pidMode: PidMode): string {
  switch (pidMode) {
    case 'host':
      return "pidMode=host: containers share the host's process namespace";
    case 'task':
      return 'pidMode=task';
    case 'unset':
      return 'pidMode not set (private namespace)';
  }
}

export interface UsageNotes {
  /** Clusters that could not be read: counts are lower bounds. */
  readonly unreadableClusters?: number;
  /** The revision runs but AWS Config has no record of it. */
  readonly unrecorded?: boolean;
  /** The time limit stopped discovery: counts are lower bounds. */
  readonly incomplete?: boolean;
}

/** e.g. `pidMode=host: ...; 3 running tasks in 2 clusters (prod-a, prod-b); services: api, worker` */
export function usageAnnotation(pidMode: PidMode, usage: RevisionUsage, notes: UsageNotes = {}): string {
  const atLeast = notes.unreadableClusters || notes.incomplete ? 'at least ' : '';
  const head =
    `${describePidMode(pidMode)}; ${atLeast}${plural(usage.taskCount, 'running task')} ` +
    `in ${plural(usage.clusters.size, 'cluster')}`;
  const tail =
    (notes.unrecorded ? '; revision not recorded by AWS Config' : '') +
    (notes.unreadableClusters ? `; ${plural(notes.unreadableClusters, 'cluster')} unreadable` : '') +
    (notes.incomplete ? '; sweep stopped at the time limit' : '');

  const clusters = [...usage.clusters].sort();
  const services = [...usage.services].sort();
  const clusterWrap = ' ()'.length;
  const serviceWrap = '; services: '.length;
  let budget = ANNOTATION_MAX - head.length - tail.length - clusterWrap;
  if (services.length > 0) budget -= serviceWrap;
  const clusterBudget = services.length > 0 ? Math.ceil(budget / 2) : budget;
  const clusterList = listWithin(clusters, clusterBudget);
  const serviceList = services.length > 0 ? listWithin(services, budget - clusterList.length) : '';

  const text =
    head +
    (clusterList ? ` (${clusterList})` : '') +
    (serviceList ? `; services: ${serviceList}` : '') +
    tail;
  return fitAnnotation(text);
}

export function statusAnnotation(status: string): string {
  return fitAnnotation(`Configuration item status ${status}: nothing to evaluate`);
}

export function resourceTypeAnnotation(resourceType: string): string {
  return fitAnnotation(`Resource type ${resourceType} is not evaluated by this rule`);
}

/** Never empty, never over the limit; a cut is marked so nobody mistakes it for the whole text. */
export function fitAnnotation(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 'No details';
  return trimmed.length <= ANNOTATION_MAX ? trimmed : trimmed.slice(0, ANNOTATION_MAX - MARKER.length) + MARKER;
}

/** "a, b, +3 more" within maxLength characters; "" when not even "+N more" fits. */
export function listWithin(names: readonly string[], maxLength: number): string {
  const shown: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const candidate = [...shown, shortName(names[i] as string)];
    const rest = names.length - candidate.length;
    const text = candidate.join(', ') + (rest > 0 ? `, +${rest} more` : '');
    if (text.length > maxLength) break;
    shown.push(shortName(names[i] as string));
  }
  const rest = names.length - shown.length;
  if (rest === 0) return shown.join(', ');
  const text = shown.length > 0 ? `${shown.join(', ')}, +${rest} more` : `+${rest} more`;
  return text.length <= maxLength ? text : '';
}

function shortName(name: string): string {
  return name.length <= NAME_MAX ? name : name.slice(0, NAME_MAX - MARKER.length) + MARKER;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
