// Reads the permission statements of an AWS::IAM::Role in a parsed template: every statement any
// parameter value can produce (both branches of Fn::If), with its actions normalised to a list.
import { asArray, asRecord, conditionalBranches, isRecord, properties } from './cfn';

export interface GrantStatement {
  readonly policyName: string;
  readonly sid: string | undefined;
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
  readonly condition: unknown;
  /** True when the statement exists only under some condition (it sat inside Fn::If). */
  readonly conditional: boolean;
  readonly raw: Record<string, unknown>;
}

function stringList(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, index) => {
    if (typeof item !== 'string') throw new Error(`${path}[${index}]: expected a string, got ${JSON.stringify(item)}`);
    return item;
  });
}

export function roleStatements(role: Record<string, unknown>, path: string): GrantStatement[] {
  const props = properties(role, path);
  if (props.ManagedPolicyArns !== undefined) throw new Error(`${path}: managed policies are not allowed (inline least privilege only)`);
  const policies = asArray(props.Policies ?? [], `${path}.Properties.Policies`);
  return policies.flatMap((policyValue, policyIndex) => {
    const policy = asRecord(policyValue, `${path}.Properties.Policies[${policyIndex}]`);
    const policyName = String(policy.PolicyName);
    const document = asRecord(policy.PolicyDocument, `${path}.Policies[${policyIndex}].PolicyDocument`);
    const rawStatements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return rawStatements.flatMap((entry, index) => {
      const branches = conditionalBranches(entry);
      const conditional = isRecord(entry) && 'Fn::If' in entry;
      return branches.map((branch) => {
        const where = `${path}.Policies[${policyIndex}].Statement[${index}]`;
        const statement = asRecord(branch, where);
        if (statement.Effect !== 'Allow') throw new Error(`${where}: only Allow statements are expected`);
        if ('NotAction' in statement || 'NotResource' in statement) throw new Error(`${where}: NotAction/NotResource widen grants`);
        return {
          policyName,
          sid: typeof statement.Sid === 'string' ? statement.Sid : undefined,
          actions: stringList(statement.Action, `${where}.Action`),
          resources: Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
          condition: statement.Condition,
          conditional,
          raw: statement,
        };
      });
    });
  });
}

export function grantedActions(statements: readonly GrantStatement[]): Set<string> {
  return new Set(statements.flatMap((statement) => statement.actions));
}

export interface GrantDiff {
  /** Actions the code calls that the role does not grant. */
  readonly missing: string[];
  /** Actions the role grants that nothing needs. */
  readonly extra: string[];
}

/** IAM action names are case-insensitive; compare them lower-cased and report them as written. */
export function diffGrants(needed: Iterable<string>, granted: Iterable<string>): GrantDiff {
  const neededByKey = new Map([...needed].map((action) => [action.toLowerCase(), action]));
  const grantedByKey = new Map([...granted].map((action) => [action.toLowerCase(), action]));
  return {
    missing: [...neededByKey].filter(([key]) => !grantedByKey.has(key)).map(([, action]) => action).sort(),
    extra: [...grantedByKey].filter(([key]) => !neededByKey.has(key)).map(([, action]) => action).sort(),
  };
}
