import type { Counters } from './counters';
import type { FaultRegistry } from './faults';
import type { JsonInput } from './params';
import type { Principal, RegionState, SimState } from './state';

/** What one authenticated call sees: the caller, the account Region it addresses, and the shared services. */
export interface CallContext {
  state: SimState;
  principal: Principal;
  /** The caller's account in the Region named by the request's SigV4 scope. */
  rs: RegionState;
  /** Epoch seconds. */
  now: number;
  operation: string;
  faults: FaultRegistry;
  counters: Counters;
  behaviour: Behaviour;
}

/** Switches for AWS behaviour that is undocumented, so tests can check a rule under both readings. */
export interface Behaviour {
  /**
   * Whether ListTasks' family filter also lists tasks of INACTIVE and DELETE_IN_PROGRESS revisions.
   * Undocumented; 'any-status' (default) matches on the family name alone, 'active-only' is what
   * moto 5.2 does.
   */
  listTasksFamilyFilter: 'any-status' | 'active-only';
  /**
   * ListTasks with desiredStatus RUNNING "might" also return recently stopped tasks (ListTasks
   * reference). When true, tasks being stopped (desiredStatus STOPPED, lastStatus not yet STOPPED)
   * are listed as RUNNING; DescribeTasks shows their real desiredStatus. Default false.
   */
  listTasksIncludesStopping: boolean;
}

export type JsonOperation = (ctx: CallContext, input: JsonInput) => unknown;
