// deploy/org/exceptions-bucket.yaml: the organization may read the exceptions document and nothing
// else in the bucket; only the publisher role writes; every version is kept; the URI it outputs is
// one the rule's templates and the function accept.
import { s3UriProblem } from '../../src/core/s3-uri';
import { asArray, asRecord, at, loadTemplate, matchesAllowedPattern, properties, resource } from './helpers/cfn';

const template = loadTemplate('deploy/org/exceptions-bucket.yaml');
const bucket = properties(resource(template, 'ExceptionsBucket', 'AWS::S3::Bucket'), 'ExceptionsBucket');
const policy = properties(resource(template, 'ExceptionsBucketPolicy', 'AWS::S3::BucketPolicy'), 'ExceptionsBucketPolicy');
const statements = asArray(at(policy, 'PolicyDocument', 'Statement'), 'Statement').map((s) => asRecord(s, 'statement'));
const DOCUMENT = { 'Fn::Sub': '${ExceptionsBucket.Arn}/${DocumentKey}' };

describe('deploy/org/exceptions-bucket.yaml', () => {
  it('lets the organization GetObject on the document key only, and the publisher role PutObject on it: nothing else is allowed', () => {
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: 'OrganizationReadsDocument',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: DOCUMENT,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
      { Sid: 'PublisherWritesDocument', Effect: 'Allow', Principal: { AWS: { Ref: 'PublisherRoleArn' } }, Action: 's3:PutObject', Resource: DOCUMENT },
    ]);
  });

  it('denies writes and deletes by anyone but the publisher role, even administrators of the account', () => {
    expect(statements.find((s) => s.Sid === 'OnlyPublisherWrites')).toEqual({
      Sid: 'OnlyPublisherWrites',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: { 'Fn::Sub': '${ExceptionsBucket.Arn}/*' },
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { Ref: 'PublisherRoleArn' } } },
    });
  });

  it('keeps every version of the document, refuses plain HTTP and public access', () => {
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(statements.find((s) => s.Sid === 'KeepEveryVersion')).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObjectVersion' });
    expect(statements.find((s) => s.Sid === 'TlsOnly')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });

  it('outputs an ExceptionsS3Uri that the rule templates and the function accept', () => {
    expect(at(template, 'Outputs', 'ExceptionsS3Uri', 'Value')).toEqual({ 'Fn::Sub': 's3://${ExceptionsBucket}/${DocumentKey}' });
    const uri = `s3://sec-exceptions-example/${String(at(template, 'Parameters', 'DocumentKey', 'Default'))}`;
    for (const file of ['template.yaml', 'deploy/org/member-account.yaml']) {
      expect(matchesAllowedPattern(String(at(loadTemplate(file), 'Parameters', 'ExceptionsS3Uri', 'AllowedPattern')), uri)).toBe(true);
    }
    expect(s3UriProblem(uri)).toBeUndefined();
  });
});
