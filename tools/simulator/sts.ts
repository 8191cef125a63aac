/**
 * AWS STS (awsQuery: form-encoded request, XML response) for AssumeRole and GetCallerIdentity.
 * Trust is modelled as a list of account ids per role; the caller's own IAM permissions are not.
 */
import { AwsError } from './errors';
import type { Principal, SimState } from './state';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** Roles default to a one-hour maximum session, which also caps role chaining. */
const MAX_SESSION_SECONDS = 3600;

export const xmlEscape = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const response = (action: string, result: string, requestId: string): string =>
  `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result>` +
  `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;

export const stsErrorXml = (error: AwsError, requestId: string): string =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
  `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>` +
  `<RequestId>${requestId}</RequestId></ErrorResponse>`;

const validation = (message: string): AwsError => new AwsError('ValidationError', message);

const assumeRole = (state: SimState, caller: Principal, params: URLSearchParams, requestId: string): string => {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName) throw validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw validation(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? MAX_SESSION_SECONDS : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validation(`1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  if (duration > MAX_SESSION_SECONDS) {
    throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const match = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(roleArn);
  if (!match) throw validation(`${roleArn} is invalid`);
  const targetAccount = state.accounts.get(match[1] as string);
  const roleName = match[2] as string;
  const trusted = targetAccount?.roles.get(roleName);
  if (!targetAccount || !trusted || !trusted.has(caller.accountId)) {
    throw new AwsError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const session = state.issueSession(targetAccount.accountId, roleName, sessionName, duration);
  const expiration = new Date((session.expiresAt ?? 0) * 1000).toISOString();
  return response(
    'AssumeRole',
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId>` +
      `<SecretAccessKey>${xmlEscape(session.secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${xmlEscape(session.sessionToken ?? '')}</SessionToken>` +
      `<Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><Arn>${xmlEscape(session.arn)}</Arn><AssumedRoleId>${xmlEscape(session.userId)}</AssumedRoleId></AssumedRoleUser>`,
    requestId,
  );
};

const getCallerIdentity = (caller: Principal, requestId: string): string =>
  response(
    'GetCallerIdentity',
    `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.userId)}</UserId><Account>${caller.accountId}</Account>`,
    requestId,
  );

export const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'];

export const handleSts = (
  state: SimState,
  caller: Principal,
  action: string,
  params: URLSearchParams,
  requestId: string,
): string => {
  if (params.get('Version') !== '2011-06-15') {
    throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${params.get('Version')}`);
  }
  switch (action) {
    case 'AssumeRole':
      return assumeRole(state, caller, params, requestId);
    case 'GetCallerIdentity':
      return getCallerIdentity(caller, requestId);
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  }
};
