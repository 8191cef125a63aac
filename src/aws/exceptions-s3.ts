// Reads the published exceptions document (canonical JSON) from S3 once per invocation. Within a
// warm environment the copy is kept with its ETag and S3 is asked only whether it changed
// (GetObject with If-None-Match: 304 Not Modified means the kept copy is current).
// Every failure becomes one ExceptionsReadError naming the URI and the cause: the rule then
// reports nothing, never "no exceptions" and never "everything excepted".
import { ExceptionsReadError, InvalidExceptionsDocumentError } from '../core/errors';
import { validateExceptionsDocument, type ExceptionsDocument } from '../core/exceptions';
import { parseS3Uri } from '../core/s3-uri';
import { createObjectGetter, type ObjectGetter } from './s3-get';

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

interface Kept {
  readonly etag: string;
  readonly parsed: unknown;
}

/**
 * One per Lambda execution environment (module scope, created on first use): its cache is what
 * makes warm invocations cheap. The getter is the caller's, built with createExceptionsS3Client
 * (or createObjectGetter from ./s3-get).
 */
export class ExceptionsReader {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly s3: Pick<ObjectGetter, 'get'>) {}

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
    const response = await this.s3.get({ bucket, key, maxBytes: EXCEPTIONS_MAX_BYTES, ...(kept ? { ifNoneMatch: kept.etag } : {}) });
    if (response.notModified) {
      // 304 answers only an If-None-Match, which is sent only with a kept copy.
      if (!kept) throw new InvalidExceptionsDocumentError(['S3 answered 304 Not Modified to a request without If-None-Match']);
      return { parsed: kept.parsed, etag: kept.etag, notModified: true };
    }
    const text = response.body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The SyntaxError is not passed on: it quotes part of the object.
      throw new InvalidExceptionsDocumentError(['the object is not JSON (publish the YAML with: npm run exceptions -- publish FILE --to s3://...)']);
    }
    if (response.etag) this.kept.set(uri, { etag: response.etag, parsed });
    return { parsed, ...(response.etag ? { etag: response.etag } : {}), notModified: false };
  }
}

export interface ExceptionsS3ClientSettings {
  readonly region?: string;
  readonly maxAttempts?: number;
  /** Path-style on AWS endpoints too; custom endpoints (AWS_ENDPOINT_URL_S3...) are always path-style. */
  readonly forcePathStyle?: boolean;
}

/**
 * The function's own credentials (not the member account's role): the document lives in the
 * security team's bucket, readable by the rule's function, whichever account it evaluates.
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL are honoured as for the other clients, and a bucket in
 * another Region is followed (S3's redirect names it). Signed GetObject without @aws-sdk/client-s3,
 * which would add about 150 KB to the bundle (see ./s3-get).
 */
export function createExceptionsS3Client(settings: ExceptionsS3ClientSettings = {}): ObjectGetter {
  return createObjectGetter({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.forcePathStyle ? { forcePathStyle: true } : {}),
  });
}
