/**
 * A sliver of Amazon S3 (REST, path-style, XML errors): GetObject with ETag and If-None-Match,
 * HeadObject, and PutObject, enough for the rule's exceptions document and the CLI that publishes
 * it. Buckets belong to an account; other accounts read them only when listed in `readers`
 * (the bucket policy, reduced to account IDs, '*' for any caller the simulator knows).
 */
import { createHash } from 'node:crypto';

import { AwsError } from './errors';
import { xmlEscape } from './sts';

export interface StoredObject {
  readonly body: Buffer;
  /** Quoted MD5 of the body, as S3 gives for single-part uploads without SSE-KMS. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
}

interface Bucket {
  readonly owner: string;
  readonly readers: Set<string>;
  readonly objects: Map<string, StoredObject>;
}

export interface S3Response {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

export class S3Store {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: () => number) {}

  createBucket(owner: string, name: string, readers: readonly string[] = []): void {
    if (this.buckets.has(name)) throw new Error(`bucket ${name} exists`);
    this.buckets.set(name, { owner, readers: new Set(readers), objects: new Map() });
  }

  putObject(bucketName: string, key: string, body: string | Buffer, contentType = 'application/octet-stream'): StoredObject {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) throw new Error(`no bucket ${bucketName}`);
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const stored = { body: bytes, etag: `"${createHash('md5').update(bytes).digest('hex')}"`, lastModified: new Date(this.clock()), contentType };
    bucket.objects.set(key, stored);
    return stored;
  }

  deleteObject(bucketName: string, key: string): void {
    this.buckets.get(bucketName)?.objects.delete(key);
  }

  getObject(bucketName: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucketName)?.objects.get(key);
  }

  /** One authenticated request. `path` is the URL path, `/bucket/key` (path-style). */
  handle(callerAccountId: string, method: string, path: string, headers: Record<string, string | undefined>, body: Buffer): S3Response {
    const { bucketName, key } = splitPath(path);
    const operation = operationOf(method, key);
    const bucket = this.buckets.get(bucketName);
    if (!bucket) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const isOwner = bucket.owner === callerAccountId;
    const canRead = isOwner || bucket.readers.has('*') || bucket.readers.has(callerAccountId);
    if (operation === 'PutObject') {
      if (!isOwner) throw accessDenied();
      if ((headers['content-encoding'] ?? '').includes('aws-chunked')) {
        throw new AwsError('NotImplemented', 'The simulator does not accept aws-chunked uploads; send the body whole', 501);
      }
      const stored = this.putObject(bucketName, key, body, headers['content-type'] ?? 'application/octet-stream');
      return { status: 200, headers: { etag: stored.etag } };
    }
    if (!canRead) throw accessDenied();
    const object = bucket.objects.get(key);
    // S3 answers 404 NoSuchKey only to callers allowed s3:ListBucket, 403 to others: readers here
    // are modelled as having it, so tests can tell a missing object from a denied one.
    if (!object) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
    const common = { etag: object.etag, 'last-modified': object.lastModified.toUTCString() };
    const ifNoneMatch = headers['if-none-match'];
    if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => sameEtag(tag, object.etag)))) {
      return { status: 304, headers: common };
    }
    const full = { ...common, 'content-type': object.contentType, 'content-length': String(object.body.length) };
    return operation === 'HeadObject' ? { status: 200, headers: full } : { status: 200, headers: full, body: object.body };
  }
}

export const s3OperationOf = (method: string, path: string): string => operationOf(method, splitPath(path).key);

function operationOf(method: string, key: string): string {
  if (key === '') throw new AwsError('NotImplemented', 'The simulator serves object operations only (path-style /bucket/key)', 501);
  switch (method) {
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      return 'PutObject';
    default:
      throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }
}

function splitPath(path: string): { bucketName: string; key: string } {
  const trimmed = path.replace(/^\//, '');
  const slash = trimmed.indexOf('/');
  const bucketName = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const key = slash < 0 ? '' : trimmed.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
  return { bucketName, key };
}

/** Weak and strong forms compare equal for If-None-Match (RFC 9110 weak comparison). */
function sameEtag(tag: string, etag: string): boolean {
  return tag.trim().replace(/^W\//, '') === etag;
}

function accessDenied(): AwsError {
  return new AwsError('AccessDenied', 'Access Denied', 403);
}

export const s3ErrorXml = (error: AwsError, requestId: string, resource: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>` +
  `<Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
