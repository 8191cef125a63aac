import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

import { startSimulator, type Simulator } from '../../tools/simulator';
import { ACCOUNT_A, CREDS_A, CREDS_B, CREDS_CENTRAL, clientConfig, rejectionOf, scenarioWithBucket, type Credentials } from './helpers';

const BUCKET = 'sec-exceptions';
const KEY = 'ecs/pidmode/exceptions.json';
const BODY = '{"version":1,"exceptions":[]}\n';

describe('simulated S3 (exceptions document)', () => {
  let sim: Simulator;
  const clients: S3Client[] = [];
  /** No forcePathStyle: an endpoint given as an IP address gets path-style requests from the SDK itself. */
  const s3 = (credentials: Credentials): S3Client => {
    const client = new S3Client(clientConfig(sim.url, credentials));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: scenarioWithBucket({ name: BUCKET, readers: [ACCOUNT_A], objects: [{ key: KEY, body: BODY, contentType: 'application/json' }] }),
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await sim.stop();
  });

  it('serves GetObject to the owner and listed readers, with a quoted MD5 ETag', async () => {
    for (const credentials of [CREDS_CENTRAL, CREDS_A]) {
      const out = await s3(credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
      expect(await out.Body?.transformToString()).toBe(BODY);
      expect(out.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(out.ContentType).toBe('application/json');
      expect(out.ContentLength).toBe(BODY.length);
    }
  });

  it('answers 304 Not Modified to If-None-Match with the current ETag, counted as such, and the full object otherwise', async () => {
    const client = s3(CREDS_A);
    sim.resetCounters();
    const first = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const notModified = await rejectionOf(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, IfNoneMatch: first.ETag })));
    expect((notModified.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(304);
    const other = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, IfNoneMatch: '"0123"' }));
    expect(await other.Body?.transformToString()).toBe(BODY);
    expect(sim.counters().calls[ACCOUNT_A]?.s3?.GetObject).toBe(3);
    expect(sim.counters().notModified).toEqual({ [ACCOUNT_A]: { s3: { GetObject: 1 } } });
  });

  it('gives a new ETag once the object is replaced (HeadObject)', async () => {
    sim.putObject(BUCKET, 'other.json', '{}');
    const before = await s3(CREDS_CENTRAL).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'other.json' }));
    sim.putObject(BUCKET, 'other.json', '{"x":1}');
    const after = await s3(CREDS_CENTRAL).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'other.json' }));
    expect(before.ContentLength).toBe(2);
    expect(after.ETag).not.toBe(before.ETag);
  });

  it('answers NoSuchKey (404) for a missing object', async () => {
    const error = await rejectionOf(s3(CREDS_A).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.json' })));
    expect(error.name).toBe('NoSuchKey');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(404);
  });

  it('answers NoSuchBucket for an unknown bucket and AccessDenied (403) to an account not allowed to read', async () => {
    expect((await rejectionOf(s3(CREDS_A).send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: KEY })))).name).toBe('NoSuchBucket');
    const denied = await rejectionOf(s3(CREDS_B).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })));
    expect(denied.name).toBe('AccessDenied');
    expect((denied.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
  });

  it('answers an injected fault (s3 AccessDenied) and counts calls per operation', async () => {
    sim.resetCounters();
    sim.addFault({ service: 's3', operation: 'GetObject', accountId: ACCOUNT_A, error: 'AccessDeniedException', count: 1 });
    expect((await rejectionOf(s3(CREDS_A).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })))).name).toBe('AccessDenied');
    await s3(CREDS_A).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(sim.counters().calls[ACCOUNT_A]?.s3?.GetObject).toBe(2);
    expect(sim.counters().faults[ACCOUNT_A]?.s3?.GetObject).toBe(1);
  });

  it('lets the owner PutObject and refuses other accounts', async () => {
    const put = await s3(CREDS_CENTRAL).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'new.json', Body: '{"a":1}', ContentType: 'application/json' }));
    expect(put.ETag).toBe(sim.getObject(BUCKET, 'new.json')?.etag);
    expect(sim.getObject(BUCKET, 'new.json')?.body.toString('utf8')).toBe('{"a":1}');
    expect((await rejectionOf(s3(CREDS_A).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.json', Body: '{}' })))).name).toBe('AccessDenied');
  });

  it('rejects unknown access keys as S3 does', async () => {
    const error = await rejectionOf(s3({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })));
    expect(error.name).toBe('InvalidAccessKeyId');
  });

  it('stores objects through the control endpoint, for simulators run as a process', async () => {
    const response = await fetch(`${sim.url}/_sim/s3/objects`, { method: 'POST', body: JSON.stringify({ bucket: BUCKET, key: 'ctl.json', body: '[]' }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { etag: string }).etag).toBe(sim.getObject(BUCKET, 'ctl.json')?.etag);
    await fetch(`${sim.url}/_sim/s3/objects?bucket=${BUCKET}&key=ctl.json`, { method: 'DELETE' });
    expect(sim.getObject(BUCKET, 'ctl.json')).toBeUndefined();
  });
});
