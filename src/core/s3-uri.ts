// s3://bucket/key, parsed strictly: the rule parameter and the publishing CLI both take one, and a
// typo should fail where it is typed, not as an AccessDenied from a bucket nobody meant.
import { InvalidS3UriError } from './errors';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

// General purpose bucket names: 3-63 of lowercase letters, digits, dots and hyphens, starting and
// ending with a letter or digit (S3 User Guide, "Bucket naming rules").
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Keys may hold almost anything; in a URI typed into a parameter we accept only what needs no
// escaping, so what is typed is exactly the key S3 sees.
// No "*": the templates grant s3:GetObject on exactly this key, where "*" would be a wildcard.
const KEY = /^[A-Za-z0-9!\-_.'()/=+,;:@&$]+$/;
const KEY_MAX_BYTES = 1024;

/** Throws InvalidS3UriError saying which part is wrong; callers add where the URI came from. */
export function parseS3Uri(uri: string): S3Location {
  const problem = s3UriProblem(uri);
  if (problem) throw new InvalidS3UriError(`S3 URI ${problem}`);
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** Why `uri` is not a strict s3://bucket/key, or undefined when it is one. */
export function s3UriProblem(uri: string): string | undefined {
  if (!uri.startsWith('s3://')) return 'must start with s3://';
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return 'must name an object: s3://bucket/key';
  const bucket = rest.slice(0, slash);
  const key = rest.slice(slash + 1);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    return 'bucket must be 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit';
  }
  if (key === '' || key.endsWith('/')) return 'must name an object, not a bucket or a prefix';
  if (key.startsWith('/') || key.includes('//')) return 'key must not contain empty path segments';
  if (!KEY.test(key)) return 'key must be letters, digits and !-_.\'()/=+,;:@&$ only (no spaces, *, ? or #)';
  if (Buffer.byteLength(key) > KEY_MAX_BYTES) return `key must be at most ${KEY_MAX_BYTES} bytes`;
  return undefined;
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
