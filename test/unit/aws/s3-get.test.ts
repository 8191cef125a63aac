// The signed S3 GetObject against a local HTTP server that answers as S3 does and checks every
// request's SigV4 signature with a verifier written here from the S3 API Reference (not with the
// SDK's signer), plus known-answer tests from that page and the endpoint rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/transport';

import {
  configuredEndpoint,
  createObjectGetter,
  createS3Signer,
  encodeS3Key,
  s3Target,
  type ObjectGetterSettings,
} from '../../../src/aws/s3-get';
import { EnvironmentError, S3ObjectTooLargeError, S3ServiceError } from '../../../src/core/errors';

const CREDS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

// ---- a SigV4 verifier from the S3 API Reference ("Signature Calculations for the Authorization Header")

/** UriEncode() as the page defines it, byte by byte: unreserved characters kept, the rest %XY. */
function uriEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

interface Verified {
  readonly ok: boolean;
  readonly region?: string;
  readonly canonicalUri: string;
}

/** Recomputes the signature of a received request with the secret key and compares. */
function verifySigV4(req: IncomingMessage, secret: string): Verified {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
  const [rawPath = '', rawQuery = ''] = (req.url ?? '').split('?');
  // S3's canonical URI: the path's segments as S3 reads them (decoded), each encoded once, no normalisation.
  const canonicalUri = rawPath.split('/').map((segment) => uriEncode(decodeURIComponent(segment))).join('/');
  if (!auth) return { ok: false, canonicalUri };
  const [, , date = '', region = '', signedHeaders = '', signature = ''] = auth;
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [req.method, canonicalUri, rawQuery, canonicalHeaders, signedHeaders, req.headers['x-amz-content-sha256']].join('\n');
  const amzDate = String(req.headers['x-amz-date']);
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  return { ok: hmac(key, stringToSign).toString('hex') === signature, region, canonicalUri };
}

// ---- a local server answering from a script

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly verified: Verified;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const xmlError = (status: number, code: string, message: string, headers: Record<string, string> = {}): Answer => (_req, res) => {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>REQ1</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};
const ok = (body: string, etag = '"etag-1"'): Answer => (_req, res) => {
  res.writeHead(200, { etag, 'content-length': Buffer.byteLength(body), 'content-type': 'application/json' });
  res.end(body);
};

class FakeS3 {
  readonly seen: Seen[] = [];
  private readonly script: Answer[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, verified: verifySigV4(req, CREDS.secretAccessKey) });
      const answer = this.script.shift();
      if (!answer) return xmlError(500, 'InternalError', 'no scripted answer')(req, res);
      if (!this.seen.at(-1)?.verified.ok) return xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match')(req, res);
      answer(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  answer(...answers: Answer[]): void {
    this.script.push(...answers);
  }

  reset(): void {
    this.seen.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('createObjectGetter against a local S3', () => {
  let s3: FakeS3;
  const getters: Array<{ destroy(): void }> = [];
  const getter = (settings: ObjectGetterSettings = {}) => {
    const g = createObjectGetter({ endpoint: s3.url, region: 'us-east-1', credentials: CREDS, retryBaseDelayMs: 1, ...settings });
    getters.push(g);
    return g;
  };

  beforeAll(async () => {
    s3 = await new FakeS3().start();
  });
  afterEach(() => {
    for (const g of getters.splice(0)) g.destroy();
    s3.reset();
  });
  afterAll(async () => {
    await s3.stop();
  });

  /** The rejection of `promise`, which must be an Error. */
  const failure = async (promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> => {
    const error = await promise.then(
      () => new Error('expected a failure') as never,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  };

  it('reads an object with its ETag: path-style on a custom endpoint, signed for the Region, payload unsigned', async () => {
    s3.answer(ok('{"a":1}'));
    expect(await getter().get({ bucket: 'sec-exceptions', key: 'ecs/exceptions.json', maxBytes: 100 })).toEqual({ notModified: false, body: '{"a":1}', etag: '"etag-1"' });
    const [request] = s3.seen;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/sec-exceptions/ecs/exceptions.json');
    expect(request?.verified).toEqual({ ok: true, region: 'us-east-1', canonicalUri: '/sec-exceptions/ecs/exceptions.json' });
    expect(request?.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/us-east-1\/s3\/aws4_request, ?SignedHeaders=host;x-amz-content-sha256;x-amz-date,/);
    expect(request?.headers['if-none-match']).toBeUndefined();
  });

  it('signs the session token of temporary credentials (a Lambda role has one)', async () => {
    s3.answer(ok('{}'));
    await getter({ credentials: async () => ({ ...CREDS, sessionToken: 'TOKEN/with+chars' }) }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 });
    expect(s3.seen[0]?.headers['x-amz-security-token']).toBe('TOKEN/with+chars');
    expect(s3.seen[0]?.headers.authorization).toContain('x-amz-security-token');
    expect(s3.seen[0]?.verified.ok).toBe(true);
  });

  it('sends If-None-Match and reports 304 as not modified', async () => {
    s3.answer((_req, res) => {
      res.writeHead(304, { etag: '"etag-1"' });
      res.end();
    });
    expect(await getter().get({ bucket: 'b-1', key: 'k.json', ifNoneMatch: '"etag-1"', maxBytes: 10 })).toEqual({ notModified: true });
    expect(s3.seen[0]?.headers['if-none-match']).toBe('"etag-1"');
    expect(s3.seen[0]?.headers.authorization).toContain('if-none-match');
  });

  it.each([
    [404, 'NoSuchKey', 'The specified key does not exist.'],
    [404, 'NoSuchBucket', 'The specified bucket does not exist'],
    [403, 'AccessDenied', 'Access Denied'],
  ])('fails at once on %i %s, named by the code in the XML body', async (status, code, message) => {
    s3.answer(xmlError(status, code, message));
    const error = await failure(getter().get({ bucket: 'b-1', key: 'k.json', maxBytes: 10 }));
    expect(error).toBeInstanceOf(S3ServiceError);
    expect(error.name).toBe(code);
    expect(error.message).toBe(message);
    expect(error.$metadata).toEqual({ httpStatusCode: status, requestId: 'REQ1' });
    expect(s3.seen).toHaveLength(1);
  });

  it('names an error without a body by its status', async () => {
    s3.answer((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const error = await failure(getter({ maxAttempts: 1 }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error.name).toBe('Http502');
    expect(error.$metadata?.httpStatusCode).toBe(502);
  });

  it('retries 500 InternalError and 503 SlowDown, then succeeds', async () => {
    s3.answer(xmlError(500, 'InternalError', 'We encountered an internal error.'), xmlError(503, 'SlowDown', 'Please reduce your request rate.'), ok('{}'));
    expect(await getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).toMatchObject({ notModified: false, body: '{}' });
    expect(s3.seen).toHaveLength(3);
  });

  it('gives up after maxAttempts, with the last error', async () => {
    s3.answer(xmlError(503, 'SlowDown', 'Please reduce your request rate.'), xmlError(503, 'SlowDown', 'Please reduce your request rate.'), ok('{}'));
    const error = await failure(getter({ maxAttempts: 2 }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error.name).toBe('SlowDown');
    expect(s3.seen).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    s3.answer((req) => req.socket.destroy(), ok('{}'));
    expect(await getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).toMatchObject({ body: '{}' });
    expect(s3.seen).toHaveLength(2);
  });

  it('follows a 301 naming the bucket Region in x-amz-bucket-region, once, signing for that Region', async () => {
    s3.answer(xmlError(301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.', { 'x-amz-bucket-region': 'eu-west-1' }), ok('{}'));
    expect(await getter({ maxAttempts: 1 }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).toMatchObject({ body: '{}' });
    expect(s3.seen.map((r) => r.verified.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it("follows a 400 AuthorizationHeaderMalformed naming the Region in its body (Regions launched after March 2019)", async () => {
    const body = '<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region us-east-1 is wrong; expecting ap-east-2</Message><Region>ap-east-2</Region></Error>';
    s3.answer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/xml' });
      res.end(body);
    }, ok('{}'));
    await getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 });
    expect(s3.seen.map((r) => r.verified.region)).toEqual(['us-east-1', 'ap-east-2']);
  });

  it('does not follow a redirect whose Region is not shaped like one (it would become part of a host name)', async () => {
    s3.answer(xmlError(301, 'PermanentRedirect', 'moved', { 'x-amz-bucket-region': 'evil.example.com/x' }), ok('{}'));
    expect((await failure(getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 }))).name).toBe('PermanentRedirect');
    expect(s3.seen).toHaveLength(1);
  });

  it('does not follow a second redirect', async () => {
    const redirect = (region: string) => xmlError(301, 'PermanentRedirect', 'moved', { 'x-amz-bucket-region': region });
    s3.answer(redirect('eu-west-1'), redirect('eu-west-2'), ok('{}'));
    expect((await failure(getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 }))).name).toBe('PermanentRedirect');
    expect(s3.seen).toHaveLength(2);
  });

  it('refuses an object over maxBytes by its Content-Length, without retrying', async () => {
    s3.answer(ok('x'.repeat(11)));
    const error = await failure(getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error).toBeInstanceOf(S3ObjectTooLargeError);
    expect(error.message).toBe('the object is 11 bytes; at most 10 are read');
    expect(s3.seen).toHaveLength(1);
  });

  it('refuses an object over maxBytes by counting when no Content-Length is sent', async () => {
    s3.answer((_req, res) => {
      res.writeHead(200, { etag: '"e"' }); // chunked
      res.write('x'.repeat(8));
      res.end('x'.repeat(8));
    });
    const error = await failure(getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error).toBeInstanceOf(S3ObjectTooLargeError);
    expect(error.message).toBe('the object is more than 10 bytes; at most 10 are read');
  });

  it('reads an object of exactly maxBytes', async () => {
    s3.answer(ok('x'.repeat(10)));
    expect(await getter().get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).toMatchObject({ body: 'x'.repeat(10) });
  });

  it('times out a request S3 does not answer', async () => {
    s3.answer(() => undefined);
    const started = Date.now();
    const error = await failure(getter({ maxAttempts: 1, requestTimeoutMs: 300 }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a body that stalls, and retries it', async () => {
    s3.answer((_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('xxxx'); // and never the rest
    }, ok('{}'));
    expect(await getter({ requestTimeoutMs: 300 }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).toMatchObject({ body: '{}' });
    expect(s3.seen).toHaveLength(2);
  });

  it('fetches a key with spaces, unicode, reserved characters and empty or dot segments, each segment encoded once', async () => {
    const key = "dir one/ünï cødé/a+b=c&d!'()*~$.json/./..//x";
    s3.answer((req, res) => {
      // What S3 reads the key as: each segment decoded.
      const received = (req.url ?? '').split('/').slice(2).map(decodeURIComponent).join('/');
      ok(JSON.stringify({ received }))(req, res);
    });
    const result = await getter().get({ bucket: 'b-1', key, maxBytes: 1000 });
    expect(result.notModified === false && JSON.parse(result.body)).toEqual({ received: key });
    const [request] = s3.seen;
    expect(request?.url).toBe('/b-1/dir%20one/%C3%BCn%C3%AF%20c%C3%B8d%C3%A9/a%2Bb%3Dc%26d%21%27%28%29%2A~%24.json/./..//x');
    expect(request?.verified.ok).toBe(true);
    expect(request?.verified.canonicalUri).toBe(request?.url);
  });

  it('is detected by the verifier when signed with another secret (the verifier can fail)', async () => {
    s3.answer(ok('{}'));
    const error = await failure(getter({ credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'wrong' } }).get({ bucket: 'b-1', key: 'k', maxBytes: 10 }));
    expect(error.name).toBe('SignatureDoesNotMatch');
  });

  it('keeps the path of a custom endpoint and reads AWS_ENDPOINT_URL_S3 at the first get, not at creation', async () => {
    const saved = { ...process.env };
    try {
      const g = createObjectGetter({ region: 'us-east-1', credentials: CREDS, maxAttempts: 1 });
      getters.push(g);
      process.env.AWS_ENDPOINT_URL_S3 = `${s3.url}/prefix/`;
      s3.answer(ok('{}'));
      await g.get({ bucket: 'b-1', key: 'k', maxBytes: 10 });
      expect(s3.seen[0]?.url).toBe('/prefix/b-1/k');
      expect(s3.seen[0]?.verified.ok).toBe(true);
    } finally {
      process.env = saved;
    }
  });

  it('fails the get, not the creation, without a Region', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.AWS_REGION;
      const g = createObjectGetter({ endpoint: s3.url, credentials: CREDS });
      await expect(g.get({ bucket: 'b-1', key: 'k', maxBytes: 10 })).rejects.toThrow(EnvironmentError);
      expect(s3.seen).toHaveLength(0);
    } finally {
      process.env = saved;
    }
  });
});

describe('S3 endpoints', () => {
  it('uses virtual-hosted style on the Regional endpoint for a bucket name without dots', () => {
    expect(s3Target('sec-exceptions', 'ecs/x.json', 'eu-west-1')).toEqual({ protocol: 'https:', hostname: 'sec-exceptions.s3.eu-west-1.amazonaws.com', path: '/ecs/x.json', region: 'eu-west-1' });
  });

  it('uses path style for a bucket name with dots (the TLS wildcard covers one label), or when forced', () => {
    expect(s3Target('sec.exceptions', 'x.json', 'us-east-1')).toMatchObject({ hostname: 's3.us-east-1.amazonaws.com', path: '/sec.exceptions/x.json' });
    expect(s3Target('sec-exceptions', 'x.json', 'us-east-1', { forcePathStyle: true })).toMatchObject({ hostname: 's3.us-east-1.amazonaws.com', path: '/sec-exceptions/x.json' });
  });

  it('uses amazonaws.com.cn in the China Regions and amazonaws.com in GovCloud', () => {
    expect(s3Target('b-1', 'k', 'cn-north-1').hostname).toBe('b-1.s3.cn-north-1.amazonaws.com.cn');
    expect(s3Target('b-1', 'k', 'cn-northwest-1').hostname).toBe('b-1.s3.cn-northwest-1.amazonaws.com.cn');
    expect(s3Target('b-1', 'k', 'us-gov-west-1').hostname).toBe('b-1.s3.us-gov-west-1.amazonaws.com');
  });

  it('refuses to guess the domain of the isolated partitions', () => {
    expect(() => s3Target('b-1', 'k', 'us-iso-east-1')).toThrow(/set AWS_ENDPOINT_URL_S3/);
    expect(() => s3Target('b-1', 'k', 'us-isob-east-1')).toThrow(EnvironmentError);
  });

  it('goes path-style to a custom endpoint, keeping its scheme, port and path', () => {
    expect(s3Target('b-1', 'a b/c', 'us-east-1', { endpoint: 'http://localhost:4566' })).toEqual({ protocol: 'http:', hostname: 'localhost', port: 4566, path: '/b-1/a%20b/c', region: 'us-east-1' });
    expect(s3Target('b-1', 'k', 'us-east-1', { endpoint: 'https://vpce.example.com/base/' })).toEqual({ protocol: 'https:', hostname: 'vpce.example.com', path: '/base/b-1/k', region: 'us-east-1' });
  });

  it('takes the endpoint from the settings, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://s3.local', AWS_ENDPOINT_URL: 'http://all.local' };
    expect(configuredEndpoint({ endpoint: 'http://given' }, env)).toBe('http://given');
    expect(configuredEndpoint({}, env)).toBe('http://s3.local');
    expect(configuredEndpoint({}, { AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://all.local');
    expect(configuredEndpoint({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
    expect(configuredEndpoint({}, {})).toBeUndefined();
  });
});

describe('S3 signing: the examples of the S3 API Reference', () => {
  // "Examples: Signature Calculations" on sig-v4-header-based-auth.html: their credentials and date.
  const EXAMPLE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const DATE = new Date('2013-05-24T00:00:00Z');
  const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const sign = async (request: HttpRequest) => (await createS3Signer(EXAMPLE, 'us-east-1').sign(request, { signingDate: DATE })).headers.authorization;

  it('GET Object (with a Range header)', async () => {
    const request = new HttpRequest({
      method: 'GET',
      hostname: 'examplebucket.s3.amazonaws.com',
      path: `/${encodeS3Key('test.txt')}`,
      headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY },
    });
    expect(await sign(request)).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it("encodes keys as the examples' canonical URIs do: test$file.text as /test%24file.text", () => {
    // The PUT Object example itself cannot be replayed through SignatureV4: it signs a Date header,
    // which the signer always drops in favour of x-amz-date.
    expect(`/${encodeS3Key('test$file.text')}`).toBe('/test%24file.text');
  });
});
