// A minimal S3 GetObject, SigV4-signed with the SDK building blocks the Lambda bundle already
// carries for its ECS, Config and STS clients (SignatureV4, NodeHttpHandler, the default Node
// credential chain). @aws-sdk/client-s3 would add about 150 KB to the bundle for one call.
//
// What it does, and the pages it follows:
// - Endpoint: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, as the SDKs read them (path-style there,
//   since a local or third-party endpoint cannot be assumed to resolve <bucket>.<host>):
//   https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
//   Otherwise the Regional endpoint s3.<region>.amazonaws.com (amazonaws.com.cn in the China
//   Regions: https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Beijing.html), virtual-
//   hosted <bucket>.s3.<region>... for bucket names without dots (a dotted name breaks the TLS
//   wildcard certificate), path-style otherwise:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
// - Signing: SigV4 with the payload unsigned (x-amz-content-sha256: UNSIGNED-PAYLOAD; a GET has no
//   body). The canonical URI of an S3 request is the URI-encoded path, each key segment encoded once
//   with "/" kept, and neither normalised nor encoded a second time (hence uriEscapePath: false):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// - A bucket in another Region: S3 answers 301 PermanentRedirect (400 in Regions launched after
//   March 2019) naming the bucket's Region in x-amz-bucket-region; the request is sent once more,
//   to and signed for that Region: https://docs.aws.amazon.com/AmazonS3/latest/API/UsingRouting.html
// - Errors: the XML body's <Code> and <Message>
//   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); 5xx, SlowDown and
//   throttling are retried with full-jitter exponential backoff
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorBestPractices.html,
//   https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
import type { IncomingMessage } from 'node:http';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { EnvironmentError, S3ObjectTooLargeError, S3ServiceError } from '../core/errors';

export interface ObjectGetterSettings {
  /** Region of the bucket as far as known; AWS_REGION when absent. A redirect corrects it. */
  readonly region?: string;
  /** Attempts per get, the first included (default 3). A Region redirect is not counted. */
  readonly maxAttempts?: number;
  /** Default: the Node default chain, i.e. in Lambda the function's own role. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A custom endpoint (path-style); default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS's. */
  readonly endpoint?: string;
  /** Path-style on AWS endpoints too. Custom endpoints are always path-style. */
  readonly forcePathStyle?: boolean;
  /** Per attempt, from sending the request to the last byte of the body (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Backoff ceiling of the first retry; throttling waits five times longer (default 100 ms). */
  readonly retryBaseDelayMs?: number;
}

export interface GetObjectInput {
  readonly bucket: string;
  readonly key: string;
  /** The ETag of the copy the caller holds: S3 then answers 304 when it is still current. */
  readonly ifNoneMatch?: string;
  /** Refuse a larger object (S3ObjectTooLargeError) instead of reading it into memory. */
  readonly maxBytes: number;
}

export type GetObjectOutput = { readonly notModified: true } | { readonly notModified: false; readonly body: string; readonly etag?: string };

export interface ObjectGetter {
  get(input: GetObjectInput): Promise<GetObjectOutput>;
  /** Closes kept-alive connections (tests, tools); a Lambda environment keeps them. */
  destroy(): void;
}

/**
 * The one AWS action this module calls. No SDK Command import shows it, so the IAM test's scanner
 * (test/templates/helpers/sdk-calls.ts) reads it from here to check the function role's grants.
 */
export const SIGNED_REQUEST_ACTIONS = ['s3:GetObject'] as const;

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_BASE_DELAY_MS = 100;
const THROTTLING_DELAY_FACTOR = 5;
const MAX_RETRY_DELAY_MS = 20_000;
/** Error bodies are a few hundred bytes of XML; more than this is not S3 talking. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const THROTTLING_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
// RequestTimeout is S3's 400 for a connection it gave up on: the request may simply be sent again.
const TRANSIENT_CODES = new Set(['InternalError', 'RequestTimeout', 'ServiceUnavailable']);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Where a request goes and the Region it is signed for. */
export interface S3Target {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** Encoded path: /key (virtual-hosted) or [/prefix]/bucket/key (path-style). */
  readonly path: string;
  readonly region: string;
}

/**
 * SigV4's UriEncode for one path segment: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded
 * (encodeURIComponent leaves !'()* alone, which SigV4 encodes).
 */
export function encodeS3PathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a URI path: each segment encoded, "/" kept, nothing normalised ("a//b", "./x" stay). */
export function encodeS3Key(key: string): string {
  return key.split('/').map(encodeS3PathSegment).join('/');
}

// A bucket name usable as one DNS label: no dots (they break the *.s3... certificate) and the
// general purpose naming rules otherwise (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const VIRTUAL_HOSTABLE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The DNS suffix of a Region's partition; other partitions need AWS_ENDPOINT_URL_S3. */
export function partitionDomain(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  // us-iso-*, us-isob-*, eu-isoe-*, us-isof-*: their own domains, not something to guess.
  if (/^[a-z]{2}-iso[a-z]?-/.test(region)) {
    throw new EnvironmentError(`Region ${region} is in a partition whose S3 endpoint is not built in: set AWS_ENDPOINT_URL_S3`);
  }
  return 'amazonaws.com'; // aws and aws-us-gov
}

/** The endpoint named by the settings or the environment, if any (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS honoured). */
export function configuredEndpoint(settings: Pick<ObjectGetterSettings, 'endpoint'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (settings.endpoint) return settings.endpoint;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** Where GetObject for bucket/key goes, signed for `region`. */
export function s3Target(bucket: string, key: string, region: string, options: { endpoint?: string; forcePathStyle?: boolean } = {}): S3Target {
  const encodedKey = encodeS3Key(key);
  if (options.endpoint) {
    const url = new URL(options.endpoint);
    const prefix = url.pathname.replace(/\/+$/, '');
    return { ...hostOf(url), path: `${prefix}/${encodeS3PathSegment(bucket)}/${encodedKey}`, region };
  }
  const domain = partitionDomain(region);
  if (!options.forcePathStyle && VIRTUAL_HOSTABLE.test(bucket)) {
    return { protocol: 'https:', hostname: `${bucket}.s3.${region}.${domain}`, path: `/${encodedKey}`, region };
  }
  return { protocol: 'https:', hostname: `s3.${region}.${domain}`, path: `/${encodeS3PathSegment(bucket)}/${encodedKey}`, region };
}

function hostOf(url: URL): Pick<S3Target, 'protocol' | 'hostname' | 'port'> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EnvironmentError(`S3 endpoint must be http(s)://, not ${url.protocol}`);
  return { protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}) };
}

/** The request as signed: the signer's options are what make it an S3 request (see the header). */
export function createS3Signer(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, region: string): SignatureV4 {
  return new SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
}

export function unsignedGetRequest(target: S3Target, ifNoneMatch?: string): HttpRequest {
  return new HttpRequest({
    method: 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port !== undefined ? { port: target.port } : {}),
    path: target.path,
    headers: {
      // Signed, so it must be exactly what Node sends: the port only when not the default.
      host: target.port !== undefined ? `${target.hostname}:${target.port}` : target.hostname,
      'x-amz-content-sha256': UNSIGNED_PAYLOAD,
      ...(ifNoneMatch !== undefined ? { 'if-none-match': ifNoneMatch } : {}),
    },
  });
}

interface Resolved {
  readonly region: string;
  readonly endpoint?: string;
  readonly signer: SignatureV4;
  readonly handler: NodeHttpHandler;
}

/** No connection, credential lookup or environment read happens until the first get. */
export function createObjectGetter(settings: ObjectGetterSettings = {}): ObjectGetter {
  const maxAttempts = settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new EnvironmentError(`maxAttempts must be a positive integer, not ${maxAttempts}`);
  const timeoutMs = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const baseDelayMs = settings.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  let resolved: Resolved | undefined;

  const resolve = (): Resolved => {
    if (resolved) return resolved;
    const region = settings.region || process.env.AWS_REGION;
    if (!region) throw new EnvironmentError('no Region for S3: set AWS_REGION or pass region');
    for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
      // Silently using the plain endpoint would break a compliance requirement someone set.
      if (process.env[name]?.toLowerCase() === 'true') throw new EnvironmentError(`${name} is not supported for the exceptions document: set AWS_ENDPOINT_URL_S3`);
    }
    const endpoint = configuredEndpoint(settings);
    resolved = {
      region,
      ...(endpoint ? { endpoint } : {}),
      // defaultProvider memoises and refreshes before expiry: one lookup per environment.
      signer: createS3Signer(settings.credentials ?? defaultProvider(), region),
      // requestTimeout alone only warns unless throwOnRequestTimeout is set.
      handler: new NodeHttpHandler({ connectionTimeout: Math.min(timeoutMs, 3_000), requestTimeout: timeoutMs, throwOnRequestTimeout: true }),
    };
    return resolved;
  };

  return {
    async get(input) {
      const r = resolve();
      const style = { ...(r.endpoint ? { endpoint: r.endpoint } : {}), ...(settings.forcePathStyle ? { forcePathStyle: true } : {}) };
      let target = s3Target(input.bucket, input.key, r.region, style);
      let redirected = false;
      for (let attempt = 1; ; attempt++) {
        try {
          return await attemptGet(r, target, input, timeoutMs);
        } catch (error) {
          const bucketRegion = redirectRegion(error);
          if (bucketRegion && bucketRegion !== target.region && !redirected) {
            redirected = true;
            attempt--; // a redirect is not a failed attempt
            target = s3Target(input.bucket, input.key, bucketRegion, style);
            continue;
          }
          const retry = retryKind(error);
          if (!retry || attempt >= maxAttempts) throw error;
          const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * (retry === 'throttling' ? THROTTLING_DELAY_FACTOR : 1) * 2 ** (attempt - 1));
          await new Promise((done) => setTimeout(done, Math.random() * ceiling));
        }
      }
    },
    destroy() {
      resolved?.handler.destroy();
    },
  };
}

/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1... */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A redirect S3 explains with the bucket's Region: 301 PermanentRedirect, 307, or 400 from newer Regions. */
function redirectRegion(error: unknown): string | undefined {
  if (!(error instanceof S3ServiceError) || ![301, 307, 400].includes(error.$metadata.httpStatusCode)) return undefined;
  // It becomes part of a host name: only something shaped like a Region is followed.
  return error.bucketRegion !== undefined && REGION_NAME.test(error.bucketRegion) ? error.bucketRegion : undefined;
}

function retryKind(error: unknown): 'throttling' | 'transient' | undefined {
  if (error instanceof S3ServiceError) {
    const status = error.$metadata.httpStatusCode;
    if (THROTTLING_CODES.has(error.code) || status === 429) return 'throttling';
    if (TRANSIENT_CODES.has(error.code) || status >= 500) return 'transient';
    return undefined;
  }
  if (error instanceof S3ObjectTooLargeError || typeof error !== 'object' || error === null) return undefined;
  // Read by shape, not instanceof Error: errors from Node's own modules need not share this realm's Error (Jest's sandbox).
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'TimeoutError' || (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) ? 'transient' : undefined;
}

async function attemptGet(r: Resolved, target: S3Target, input: GetObjectInput, timeoutMs: number): Promise<GetObjectOutput> {
  const signed = await r.signer.sign(unsignedGetRequest(target, input.ifNoneMatch), { signingRegion: target.region });
  const started = Date.now();
  const { response } = await r.handler.handle(signed as HttpRequest);
  const body = response.body as IncomingMessage;
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
  if (response.statusCode === 304) {
    body.resume();
    return { notModified: true };
  }
  if (response.statusCode !== 200) {
    const text = await readBody(body, ERROR_BODY_MAX_BYTES, remaining(), false).catch(() => '');
    throw s3Error(response.statusCode, text, header('x-amz-bucket-region'), header('x-amz-request-id'));
  }
  const length = Number(header('content-length'));
  if (Number.isFinite(length) && length > input.maxBytes) {
    body.destroy();
    throw new S3ObjectTooLargeError(input.maxBytes, length);
  }
  const text = await readBody(body, input.maxBytes, remaining(), true);
  const etag = header('etag');
  return { notModified: false, body: text, ...(etag ? { etag } : {}) };
}

/** Reads at most maxBytes within timeoutMs; past the cap it fails (or, for error bodies, truncates). */
function readBody(stream: IncomingMessage, maxBytes: number, timeoutMs: number, failWhenLarger: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      if (error) {
        stream.destroy();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error(`reading the S3 response exceeded ${timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        if (failWhenLarger) return finish(new S3ObjectTooLargeError(maxBytes));
        chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
        stream.destroy();
        return finish();
      }
      chunks.push(chunk);
    });
    stream.once('end', () => finish());
    stream.once('error', (error) => finish(error));
  });
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1]?.replace(/&(amp|lt|gt|quot|apos);/g, (_m, entity: string) => XML_ENTITIES[entity] ?? '');
}

function s3Error(status: number, xml: string, bucketRegionHeader: string | undefined, requestIdHeader: string | undefined): S3ServiceError {
  const code = xmlElement(xml, 'Code') || `Http${status}`;
  const message = xmlElement(xml, 'Message') || `S3 answered HTTP ${status}`;
  const requestId = xmlElement(xml, 'RequestId') || requestIdHeader;
  // AuthorizationHeaderMalformed names the expected Region in the body rather than the header.
  const bucketRegion = bucketRegionHeader || xmlElement(xml, 'Region');
  return new S3ServiceError(code, message, status, { ...(requestId ? { requestId } : {}), ...(bucketRegion ? { bucketRegion } : {}) });
}
