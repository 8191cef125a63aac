// Reads the published exceptions document (canonical JSON) from S3 once per invocation. Within a
// warm environment the copy is kept with its ETag and S3 is asked only whether it changed
// (GetObject with If-None-Match: 304 Not Modified means the kept copy is current).
// Every failure becomes one ExceptionsReadError naming the URI and the cause: the rule then
// reports nothing, never "no exceptions" and never "everything excepted".
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExceptionsReadError, InvalidExceptionsDocumentError } from '../core/errors';
import { validateExceptionsDocument, type ExceptionsDocument } from '../core/exceptions';
import { parseS3Uri } from '../core/s3-uri';

/** Far above any real document (a thousand entries is about 300 KB); guards the function's memory. */
export const EXCEPTIONS_MAX_BYTES = 1024 * 1024;

export interface LoadedExceptions {
  readonly uri: string;
  readonly document: ExceptionsDocument;
  readonly etag?: string;
  /** S3 answered 304 Not Modified and the copy read earlier in this environment was used. */
  readonly notModified: boolean;
}

export interface LoadOptions {
  readonly now: Date;
  /** Furthest expiry accepted (days after today, UTC); EXCEPTION_DEFAULTS.maxDays when absent. */
  readonly maxDays?: number;
}

type S3Sender = Pick<S3Client, 'send'>;

interface Kept {
  readonly etag: string;
  readonly parsed: unknown;
}

/**
 * One per Lambda execution environment (module scope, created on first use): its cache is what
 * makes warm invocations cheap. The S3 client is the caller's, built with createExceptionsS3Client
 * or any S3Client configuration.
 */
export class ExceptionsReader {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly s3: S3Sender) {}

  async load(uri: string, options: LoadOptions): Promise<LoadedExceptions> {
    try {
      const { parsed, etag, notModified } = await this.fetch(uri);
      // Validated on every load, cached copy included: cheap, and the verdicts it feeds depend on today's date.
      const document = validateExceptionsDocument(parsed, { now: options.now, ...(options.maxDays !== undefined ? { maxDays: options.maxDays } : {}) });
      return { uri, document, ...(etag ? { etag } : {}), notModified };
    } catch (error) {
      this.kept.delete(uri);
      throw error instanceof ExceptionsReadError ? error : new ExceptionsReadError(uri, { cause: error });
    }
  }

  private async fetch(uri: string): Promise<{ parsed: unknown; etag?: string; notModified: boolean }> {
    const { bucket, key } = parseS3Uri(uri);
    const kept = this.kept.get(uri);
    let response;
    try {
      response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(kept ? { IfNoneMatch: kept.etag } : {}) }));
    } catch (error) {
      // The SDK throws for 304 with an inconsistent name ("304", "NotModified" or ""; aws-sdk-js-v3
      // issues 3674 and 5860): the status code is the reliable signal.
      if (kept && httpStatus(error) === 304) return { parsed: kept.parsed, etag: kept.etag, notModified: true };
      throw error;
    }
    if (response.ContentLength !== undefined && response.ContentLength > EXCEPTIONS_MAX_BYTES) {
      throw new InvalidExceptionsDocumentError([`the object is ${response.ContentLength} bytes; at most ${EXCEPTIONS_MAX_BYTES} are read`]);
    }
    const text = (await response.Body?.transformToString('utf-8')) ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The SyntaxError is not passed on: it quotes part of the object.
      throw new InvalidExceptionsDocumentError(['the object is not JSON (publish the YAML with: npm run exceptions -- publish FILE --to s3://...)']);
    }
    if (response.ETag) this.kept.set(uri, { etag: response.ETag, parsed });
    return { parsed, ...(response.ETag ? { etag: response.ETag } : {}), notModified: false };
  }
}

export interface ExceptionsS3ClientSettings {
  readonly region?: string;
  readonly maxAttempts?: number;
  /**
   * Path-style requests (http://host/bucket/key). Needed for local endpoints named by host name
   * (http://localhost:4566); endpoints given as an IP address get path-style anyway.
   */
  readonly forcePathStyle?: boolean;
}

/**
 * The function's own credentials (not the member account's role): the document lives in the
 * security team's bucket, readable by the rule's function, whichever account it evaluates.
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL are honoured as for the other clients.
 */
export function createExceptionsS3Client(settings: ExceptionsS3ClientSettings = {}): S3Client {
  return new S3Client({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts, retryMode: 'adaptive' } : {}),
    ...(settings.forcePathStyle ? { forcePathStyle: true } : {}),
    // The bucket's Region need not be the function's: follow S3's redirect instead of failing.
    followRegionRedirects: true,
  });
}

function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
