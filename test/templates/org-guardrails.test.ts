// deploy/org/protect-rule-scp.json and deploy/org/code-bucket.yaml: the names they protect or serve
// are the ones the member template and org:publish use, and they grant or deny no more than that.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, asArray, asRecord, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

interface ScpStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

const scpText = readRepoFile('deploy/org/protect-rule-scp.json');
const scp = JSON.parse(scpText) as { Version: string; Statement: ScpStatement[] };
const member = loadTemplate('deploy/org/member-account.yaml');
const functionName = String(at(member, 'Parameters', 'FunctionName', 'Default'));
const rolePath = String(at(properties(resource(member, 'RuleFunctionRole', 'AWS::IAM::Role'), 'role'), 'Path'));
const publishSource = readFileSync(join(REPO_ROOT, 'scripts', 'org-publish.mjs'), 'utf8');
const statement = (sid: string): ScpStatement => {
  const found = scp.Statement.find((s) => s.Sid === sid);
  if (found === undefined) throw new Error(`no SCP statement ${sid}`);
  return found;
};
const STACKSET_EXECUTION_ROLE = { ArnNotLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/stacksets-exec-*' } };

describe('deploy/org/protect-rule-scp.json', () => {
  it('fits a service control policy (5,120 characters) and only denies', () => {
    expect(scpText.length).toBeLessThanOrEqual(5_120);
    expect(scp.Version).toBe('2012-10-17');
    for (const s of scp.Statement) expect(s.Effect).toBe('Deny');
  });

  it('protects the function the member template names, and its versions and aliases', () => {
    const s = statement('OnlyStackSetsChangeTheRuleFunction');
    expect(s.Resource).toEqual([`arn:*:lambda:*:*:function:${functionName}`, `arn:*:lambda:*:*:function:${functionName}:*`]);
    expect(s.Action).toEqual(expect.arrayContaining(['lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:AddPermission', 'lambda:RemovePermission']));
    expect(s.Condition).toEqual(STACKSET_EXECUTION_ROLE);
  });

  it("protects the function's role through the path only the member template uses", () => {
    const s = statement('OnlyStackSetsChangeTheRuleRole');
    expect(s.Resource).toBe(`arn:*:iam::*:role${rolePath}*`);
    expect(s.Action).toEqual(expect.arrayContaining(['iam:DeleteRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy']));
    expect(s.Condition).toEqual(STACKSET_EXECUTION_ROLE);
  });

  it("protects the StackSet's stacks and the account's copy of the organization pack org:publish creates", () => {
    const stackSetName = /'stack-set-name': \{ type: 'string', default: '([^']+)' \}/.exec(publishSource)?.[1];
    const packName = /'pack-name': \{ type: 'string', default: '([^']+)' \}/.exec(publishSource)?.[1];
    expect(statement('OnlyStackSetsChangeTheRuleStacks').Resource).toBe(`arn:*:cloudformation:*:*:stack/StackSet-${stackSetName}-*/*`);
    expect(statement('OnlyStackSetsChangeTheRuleStacks').Condition).toEqual(STACKSET_EXECUTION_ROLE);
    const pack = statement('NoOneInTheAccountChangesTheRulePack');
    expect(pack.Resource).toBe(`arn:*:config:*:*:conformance-pack/OrgConformsPack-${packName}*`);
    expect(pack.Condition).toBeUndefined();
  });
});

describe('deploy/org/code-bucket.yaml', () => {
  const bucketTemplate = loadTemplate('deploy/org/code-bucket.yaml');
  const bucket = properties(resource(bucketTemplate, 'CodeBucket', 'AWS::S3::Bucket'), 'CodeBucket');
  const policy = properties(resource(bucketTemplate, 'CodeBucketPolicy', 'AWS::S3::BucketPolicy'), 'CodeBucketPolicy');
  const statements = asArray(at(policy, 'PolicyDocument', 'Statement'), 'Statement').map((s) => asRecord(s, 'statement'));

  it('is the bucket the member template reads its code from in the same Region', () => {
    expect(bucket.BucketName).toEqual(at(properties(resource(member, 'RuleFunction', 'AWS::Lambda::Function'), 'fn'), 'Code', 'S3Bucket'));
    expect(at(bucketTemplate, 'Parameters', 'CodeBucketPrefix', 'AllowedPattern')).toBe(at(member, 'Parameters', 'CodeBucketPrefix', 'AllowedPattern'));
  });

  it('lets principals of the organization read objects, and nothing else is allowed', () => {
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'OrganizationReadsCode',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: { 'Fn::Sub': '${CodeBucket.Arn}/*' },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
    ]);
  });

  it('refuses plain HTTP and public access, and keeps every version of the code', () => {
    expect(statements.find((s) => s.Sid === 'TlsOnly')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });
});
