// Plain data the core decides on. No SDK types here: adapters translate at the edge.

export const TASK_DEFINITION_TYPE = 'AWS::ECS::TaskDefinition';

export const COMPLIANCE = {
  COMPLIANT: 'COMPLIANT',
  NON_COMPLIANT: 'NON_COMPLIANT',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
} as const;
export type ComplianceType = (typeof COMPLIANCE)[keyof typeof COMPLIANCE];

/** pidMode normalised: ECS accepts "host" or "task"; absent, null or "" mean a private namespace. */
export type PidMode = 'host' | 'task' | 'unset';

/** What the rule knows about one task definition revision, whatever source it came from. */
export interface RevisionFacts {
  readonly taskDefinitionArn: string;
  readonly pidMode: PidMode;
  /** ACTIVE, INACTIVE or DELETE_IN_PROGRESS when the source says. */
  readonly status?: string;
}

/** Aggregated view of the running tasks of one revision. Sets keep memory per revision, not per task. */
export interface RevisionUsage {
  taskCount: number;
  readonly clusters: Set<string>;
  readonly services: Set<string>;
}

/** One task as ECS describes it, reduced to what the decision and annotation use. */
export interface RunningTask {
  readonly taskDefinitionArn: string;
  readonly clusterName: string;
  /** ECS task group: "service:<name>" for service tasks, "family:<family>" otherwise. */
  readonly group?: string;
  readonly lastStatus?: string;
  /** Only RUNNING counts: ListTasks may still list a task that is being stopped. */
  readonly desiredStatus?: string;
}

export interface Verdict {
  readonly complianceType: ComplianceType;
  readonly annotation: string;
}

/** An evaluation ready for PutEvaluations. */
export interface Evaluation extends Verdict {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly orderingTimestamp: Date;
}

/**
 * What a sweep knows about an evaluated revision beyond what PutEvaluations sends. Handed to a
 * Reporter beside the evaluations (never sent to Config): front ends such as the CLI's scan show it.
 */
export interface RevisionDetail {
  readonly taskDefinitionArn: string;
  /** For in-use revisions: the pidMode the verdict was decided on, and the usage seen. */
  readonly pidMode?: PidMode;
  readonly usage?: RevisionUsage;
}

/** The account and Region an invocation evaluates. */
export interface AccountTarget {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Set when the rule parameter ExecutionRoleName is: calls run with this role's credentials. */
  readonly roleArn?: string;
}
