// deploy/org/member-account.yaml is template.yaml written out as plain CloudFormation for a
// service-managed StackSet. It is kept by hand (a StackSet takes no Transform) and guarded here:
// the function's runtime, architecture, handler, settings and environment, its role's statements,
// log group, dead-letter queue, alarm and invoke permission must equal template.yaml's.
import { at, asRecord, intrinsicKeys, loadTemplate, properties, resource, resources } from './helpers/cfn';
import { roleStatements } from './helpers/iam';

const sam = loadTemplate('template.yaml');
const plain = loadTemplate('deploy/org/member-account.yaml');
const samFn = properties(resource(sam, 'RuleFunction', 'AWS::Serverless::Function'), 'template.yaml RuleFunction');
const plainFn = properties(resource(plain, 'RuleFunction', 'AWS::Lambda::Function'), 'member-account.yaml RuleFunction');

/** A parameter's definition without its prose. */
function constraints(template: Record<string, unknown>, name: string): Record<string, unknown> {
  const { Description: _description, ...rest } = asRecord(at(template, 'Parameters', name), `Parameters.${name}`);
  return rest;
}

/** SAM function properties that AWS::Lambda::Function spells the same way. */
const SHARED_FUNCTION_PROPERTIES = [
  'Description',
  'Handler',
  'Runtime',
  'Architectures',
  'Timeout',
  'MemorySize',
  'ReservedConcurrentExecutions',
  'Role',
  'LoggingConfig',
  'Environment',
];

describe('deploy/org/member-account.yaml against template.yaml', () => {
  it('has no Transform and no SAM resource types (service-managed StackSets reject them)', () => {
    expect(plain.Transform).toBeUndefined();
    const types = Object.values(resources(plain)).map((value) => String(asRecord(value, 'resource').Type));
    expect(types.filter((type) => type.startsWith('AWS::Serverless::'))).toEqual([]);
    expect(intrinsicKeys(plain)).not.toContain('Fn::Transform');
  });

  it.each(SHARED_FUNCTION_PROPERTIES)('gives the function the same %s', (name) => {
    expect(samFn[name]).toBeDefined();
    expect(plainFn[name]).toEqual(samFn[name]);
  });

  it('sets nothing on the function that template.yaml does not, except its name and code location', () => {
    const extra = Object.keys(plainFn).filter((name) => !SHARED_FUNCTION_PROPERTIES.includes(name));
    expect(extra.sort()).toEqual(['Code', 'DeadLetterConfig', 'FunctionName']);
    const samOnly = Object.keys(samFn).filter((name) => !SHARED_FUNCTION_PROPERTIES.includes(name));
    expect(samOnly.sort()).toEqual(['CodeUri', 'DeadLetterQueue']);
  });

  it('sends failed invocations to its own dead-letter queue, as the SAM DeadLetterQueue does', () => {
    const queueArn = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
    expect(samFn.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: queueArn });
    expect(plainFn.DeadLetterConfig).toEqual({ TargetArn: queueArn });
  });

  it('reads its code from this Region’s bucket, at a key given by the publish script', () => {
    expect(plainFn.Code).toEqual({ S3Bucket: { 'Fn::Sub': '${CodeBucketPrefix}-${AWS::Region}' }, S3Key: { Ref: 'CodeKey' } });
    expect(plainFn.FunctionName).toEqual({ Ref: 'FunctionName' });
  });

  it('grants its role the statements of template.yaml’s role, minus the central function’s sts:AssumeRole', () => {
    // Every statement but the central function's sts:AssumeRole (conditional on ExecutionRoleName).
    const samStatements = roleStatements(resource(sam, 'RuleFunctionRole', 'AWS::IAM::Role'), 'template.yaml')
      .filter((statement) => !statement.actions.includes('sts:AssumeRole'))
      .map((statement) => statement.raw);
    const plainRole = resource(plain, 'RuleFunctionRole', 'AWS::IAM::Role');
    const plainStatements = roleStatements(plainRole, 'member-account.yaml').map((statement) => statement.raw);
    expect(plainStatements).toEqual(samStatements);
    const samRoleProps = properties(resource(sam, 'RuleFunctionRole', 'AWS::IAM::Role'), 'template.yaml role');
    const plainRoleProps = properties(plainRole, 'member-account.yaml role');
    expect(plainRoleProps.AssumeRolePolicyDocument).toEqual(samRoleProps.AssumeRolePolicyDocument);
    expect(plainRoleProps.ManagedPolicyArns).toBeUndefined();
  });

  it('names its role per Region under its own path, which the service control policy protects', () => {
    const role = properties(resource(plain, 'RuleFunctionRole', 'AWS::IAM::Role'), 'role');
    expect(role.RoleName).toEqual({ 'Fn::Sub': '${FunctionName}-${AWS::Region}' });
    expect(role.Path).toBe('/ecs-pid-mode-rule/');
  });

  it.each([
    ['RuleFunctionLogGroup', 'AWS::Logs::LogGroup'],
    ['DeadLetterQueue', 'AWS::SQS::Queue'],
    ['DeadLetterQueueAlarm', 'AWS::CloudWatch::Alarm'],
  ])('declares %s exactly as template.yaml does', (logicalId, type) => {
    expect(resource(plain, logicalId, type)).toEqual(resource(sam, logicalId, type));
  });

  it('lets only Config of its own account invoke the function', () => {
    const permission = properties(resource(plain, 'ConfigInvokePermission', 'AWS::Lambda::Permission'), 'permission');
    expect(permission).toEqual(properties(resource(sam, 'ConfigInvokePermission', 'AWS::Lambda::Permission'), 'sam permission'));
    expect(permission.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('takes the settings template.yaml takes, with the same types, defaults and bounds', () => {
    const samParameters = Object.keys(asRecord(sam.Parameters, 'Parameters'));
    const plainParameters = Object.keys(asRecord(plain.Parameters, 'Parameters'));
    const centralOrSingleAccountOnly = ['ExecutionRoleName', 'CreateConfigRule', 'MaximumExecutionFrequency'];
    const deploymentOnly = ['CodeBucketPrefix', 'CodeKey', 'FunctionName'];
    expect(plainParameters.filter((name) => !deploymentOnly.includes(name)).sort()).toEqual(
      samParameters.filter((name) => !centralOrSingleAccountOnly.includes(name)).sort(),
    );
    for (const name of plainParameters.filter((n) => samParameters.includes(n))) {
      // One deliberate difference: accounts joining the organization may have a concurrency quota too
      // low to reserve any, so the member template does not reserve by default (its description says so).
      const differs = name === 'ReservedConcurrency' ? { Default: 0 } : {};
      expect([name, constraints(plain, name)]).toEqual([name, { ...constraints(sam, name), ...differs }]);
    }
    expect(at(plain, 'Conditions')).toEqual(
      Object.fromEntries(Object.entries(asRecord(sam.Conditions, 'Conditions')).filter(([key]) => key in asRecord(plain.Conditions, 'c'))),
    );
  });

  it('keeps the function name short enough for the role name <FunctionName>-<Region> (IAM: 64 characters)', () => {
    const pattern = String(at(plain, 'Parameters', 'FunctionName', 'AllowedPattern'));
    const maxLength = Number(/\{1,(\d+)\}\$$/.exec(pattern)?.[1]);
    expect(maxLength + '-'.length + 'ap-southeast-7'.length).toBeLessThanOrEqual(64);
  });
});
