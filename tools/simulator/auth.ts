/**
 * Who is calling: the access key id in the SigV4 Authorization header names the principal.
 * Signatures are not verified (the simulator has no reason to), but everything AWS would
 * reject before looking at the signature is rejected: unknown keys, missing or wrong session
 * tokens, expired sessions, a credential scoped to another service.
 */
import { AwsError } from './errors';
import type { Principal, SimState } from './state';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export const parseAuthorization = (header: string | undefined): CredentialScope | undefined => {
  if (!header) return undefined;
  const match = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,/.exec(header);
  if (!match) return undefined;
  return {
    accessKeyId: match[1] as string,
    date: match[2] as string,
    region: match[3] as string,
    service: match[4] as string,
  };
};

/** Codes differ by protocol: JSON services and STS name the same failures differently. */
export const authenticate = (
  state: SimState,
  authorization: string | undefined,
  securityToken: string | undefined,
  expectedService: string,
  protocol: 'json' | 'query',
): { principal: Principal; scope: CredentialScope } => {
  const scope = parseAuthorization(authorization);
  if (!scope) {
    throw protocol === 'json'
      ? new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403)
      : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
  const principal = state.principals.get(scope.accessKeyId);
  const badToken = (): AwsError =>
    protocol === 'json'
      ? new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403)
      : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  if (!principal) throw badToken();
  if ((principal.sessionToken ?? undefined) !== (securityToken || undefined)) throw badToken();
  if (principal.expiresAt !== undefined && state.nowSeconds() >= principal.expiresAt) {
    throw protocol === 'json'
      ? new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400)
      : new AwsError('ExpiredToken', 'The security token included in the request is expired', 400);
  }
  if (scope.service !== expectedService) {
    throw new AwsError(
      protocol === 'json' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${expectedService}'.`,
      403,
    );
  }
  return { principal, scope };
};
