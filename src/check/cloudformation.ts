// AWS::ECS::TaskDefinition resources in a CloudFormation template (also SAM templates and CDK's
// cdk.out/*.template.json, which are CloudFormation). Property: PidMode, "host" or "task".
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
import { misplacedPidModes } from './container-definitions';
import { classifyLiteral, HOST_CONSEQUENCE, isRecord, quote } from './findings';
import type { Finding } from './findings';
import type { ParsedSource } from './source';

const TASK_DEFINITION = 'AWS::ECS::TaskDefinition';

/** What a PidMode value can be at deploy time, as far as the template alone tells. */
type Resolution =
  | { readonly kind: 'host'; readonly how?: string }
  | { readonly kind: 'private' }
  | { readonly kind: 'unresolved'; readonly why: string };

interface Template {
  readonly parameters: Record<string, unknown>;
  readonly mappings: Record<string, unknown>;
}

export function isCloudFormationTemplate(root: unknown): boolean {
  return isRecord(root) && isRecord(root.Resources);
}

export function checkCloudFormation(source: ParsedSource): Finding[] {
  const root = source.root as Record<string, unknown>;
  const template: Template = {
    parameters: isRecord(root.Parameters) ? root.Parameters : {},
    mappings: isRecord(root.Mappings) ? root.Mappings : {},
  };
  return taskDefinitions(root.Resources).flatMap(([logicalId, properties]) => {
    const findings: Finding[] = [];
    if ('PidMode' in properties) {
      const position = source.positionOf(properties, 'PidMode');
      const finding = findingFor(resolve(properties.PidMode, template), logicalId);
      if (finding) findings.push({ ...finding, ...(position ? { position } : {}) });
    }
    findings.push(...misplacedPidModes(properties.ContainerDefinitions, logicalId, source.positionOf));
    return findings;
  });
}

/** [logical ID, Properties] of every task definition, including those inside Fn::ForEach blocks. */
function taskDefinitions(resources: unknown): Array<[string, Record<string, unknown>]> {
  if (!isRecord(resources)) return [];
  return Object.entries(resources).flatMap(([logicalId, resource]): Array<[string, Record<string, unknown>]> => {
    // AWS::LanguageExtensions: "Fn::ForEach::Name": [identifier, collection, { "LogicalId${x}": resource }]
    if (logicalId.startsWith('Fn::ForEach::') && Array.isArray(resource)) return taskDefinitions(resource[2]);
    if (!isRecord(resource) || resource.Type !== TASK_DEFINITION || !isRecord(resource.Properties)) return [];
    return [[logicalId, resource.Properties]];
  });
}

function findingFor(resolution: Resolution, resource: string): Omit<Finding, 'position'> | undefined {
  switch (resolution.kind) {
    case 'host':
      return {
        rule: 'host',
        resource,
        message: `PidMode is host${resolution.how ? ` ${resolution.how}` : ''}: ${HOST_CONSEQUENCE}`,
      };
    case 'unresolved':
      return { rule: 'unresolved', resource, message: `PidMode ${resolution.why}` };
    case 'private':
      return undefined;
  }
}

function resolve(value: unknown, template: Template): Resolution {
  if (!isRecord(value)) return resolveLiteral(value);
  const [fn, args] = Object.entries(value)[0] ?? [];
  if (Object.keys(value).length !== 1 || fn === undefined) return { kind: 'unresolved', why: 'is not a string' };
  switch (fn) {
    case 'Ref':
      return resolveRef(args, template);
    case 'Fn::If':
      return resolveIf(args, template);
    case 'Fn::Sub':
      return resolveSub(args, template);
    case 'Fn::FindInMap':
      return resolveFindInMap(args, template);
    default:
      return { kind: 'unresolved', why: `is set by ${fn}: its value is not known until deploy` };
  }
}

function resolveLiteral(value: unknown): Resolution {
  // Dynamic references ({{resolve:ssm:...}}) are replaced by CloudFormation at deploy.
  if (typeof value === 'string' && value.includes('{{resolve:')) {
    return { kind: 'unresolved', why: 'is a dynamic reference: its value is not known until deploy' };
  }
  const literal = classifyLiteral(value);
  if (literal === 'unrecognised') return { kind: 'unresolved', why: `is ${quote(value)}, not a value ECS accepts (host or task)` };
  return { kind: literal };
}

function resolveRef(name: unknown, template: Template): Resolution {
  if (name === 'AWS::NoValue') return { kind: 'private' };
  const parameter = typeof name === 'string' ? template.parameters[name] : undefined;
  if (typeof name !== 'string' || !isRecord(parameter)) {
    return { kind: 'unresolved', why: `is set by Ref ${quote(name)}: its value is not known until deploy` };
  }
  const type = typeof parameter.Type === 'string' ? parameter.Type : '';
  if (type.startsWith('AWS::SSM::Parameter::Value')) {
    return { kind: 'unresolved', why: `comes from parameter ${name}, read from SSM Parameter Store at deploy` };
  }
  const allowed = Array.isArray(parameter.AllowedValues) ? parameter.AllowedValues : undefined;
  // AllowedValues is enforced by CloudFormation: a parameter that cannot be host is no risk.
  if (allowed && allowed.length > 0 && allowed.every((v) => classifyLiteral(v) === 'private')) return { kind: 'private' };
  const notes = [
    ...(classifyLiteral(parameter.Default) === 'host' ? ['its Default is host'] : []),
    ...(allowed?.some((v) => classifyLiteral(v) === 'host') ? ['its AllowedValues include host'] : []),
  ];
  return {
    kind: 'unresolved',
    why: `comes from parameter ${name}${notes.length ? ` (${notes.join('; ')})` : ''}: its value is not known until deploy`,
  };
}

// A branch that is host is an error, not a warning: the template itself asks for host mode, and
// whether the condition holds depends on parameters a pre-deploy check cannot see.
function resolveIf(args: unknown, template: Template): Resolution {
  if (!Array.isArray(args) || args.length !== 3) return { kind: 'unresolved', why: 'is set by a malformed Fn::If' };
  const [condition, whenTrue, whenFalse] = args as [unknown, unknown, unknown];
  const branches = [
    { outcome: 'true', resolution: resolve(whenTrue, template) },
    { outcome: 'false', resolution: resolve(whenFalse, template) },
  ];
  const host = branches.filter((b) => b.resolution.kind === 'host');
  if (host.length === 2) return { kind: 'host', how: `whichever way condition ${quote(condition)} goes` };
  if (host[0]) return { kind: 'host', how: `when condition ${quote(condition)} is ${host[0].outcome}` };
  const unresolved = branches.find((b) => b.resolution.kind === 'unresolved');
  if (unresolved?.resolution.kind === 'unresolved') {
    return { kind: 'unresolved', why: `(when condition ${quote(condition)} is ${unresolved.outcome}) ${unresolved.resolution.why}` };
  }
  return { kind: 'private' };
}

function resolveSub(args: unknown, template: Template): Resolution {
  const [text, variables] = Array.isArray(args) ? args : [args, {}];
  if (typeof text !== 'string') return { kind: 'unresolved', why: 'is set by Fn::Sub: its value is not known until deploy' };
  // "${!Literal}" is Fn::Sub's escape for a literal "${Literal}".
  if (!text.replace(/\$\{!/g, '').includes('${')) return resolveLiteral(text.replace(/\$\{!/g, '${'));
  const whole = /^\$\{([^}!.]+)\}$/.exec(text)?.[1];
  if (whole !== undefined) {
    return isRecord(variables) && whole in variables ? resolve(variables[whole], template) : resolveRef(whole, template);
  }
  return { kind: 'unresolved', why: 'is set by Fn::Sub: its value is not known until deploy' };
}

function resolveFindInMap(args: unknown, template: Template): Resolution {
  const [map, top, second] = Array.isArray(args) ? args : [];
  const mapping = typeof map === 'string' ? template.mappings[map] : undefined;
  if (typeof top === 'string' && typeof second === 'string' && isRecord(mapping)) {
    const entry = mapping[top];
    if (isRecord(entry) && second in entry) {
      const found = resolve(entry[second], template);
      return found.kind === 'host' ? { kind: 'host', how: `(from mapping ${map}.${top}.${second})` } : found;
    }
  }
  const holdsHost =
    isRecord(mapping) &&
    Object.values(mapping).some((entry) => isRecord(entry) && Object.values(entry).some((v) => classifyLiteral(v) === 'host'));
  return {
    kind: 'unresolved',
    why: `is looked up in mapping ${quote(map)}${holdsHost ? ', which holds host for some keys' : ''}: its value is not known until deploy`,
  };
}
