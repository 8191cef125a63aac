// The exceptions reader against the simulator's S3 through the signed getter (real HTTP, real
// 304s), plus a stub getter for answers the simulator does not give.
import { createExceptionsS3Client, EXCEPTIONS_MAX_BYTES, ExceptionsReader } from '../../../src/aws/exceptions-s3';
import { createObjectGetter, type GetObjectInput, type GetObjectOutput, type ObjectGetter } from '../../../src/aws/s3-get';
import { ExceptionsReadError, InvalidExceptionsDocumentError } from '../../../src/core/errors';
import { canonicalExceptionsJson, validateExceptionsDocument } from '../../../src/core/exceptions';
import { startSimulator, type Simulator } from '../../../tools/simulator';
import { ACCOUNT_A, CENTRAL, CREDS_A, CREDS_B, CREDS_CENTRAL, scenarioWithBucket } from '../../simulator/helpers';

const NOW = new Date('2026-12-02T12:00:00Z');
const BUCKET = 'sec-exceptions';
const KEY = 'ecs/exceptions.json';
const URI = `s3://${BUCKET}/${KEY}`;

const entry = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  owner: 'secops@example.com',
  reason: 'Agent needs host PIDs',
  expires: '2027-03-31',
  accounts: [ACCOUNT_A],
  family: `agent-${id.toLowerCase()}`,
  ...overrides,
});
const published = (...entries: object[]): string =>
  canonicalExceptionsJson(validateExceptionsDocument({ exceptions: entries }, { now: NOW }), 'a'.repeat(64));

/** The rejection of `promise`, which must be an ExceptionsReadError naming the URI. */
async function readFailure(promise: Promise<unknown>): Promise<ExceptionsReadError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExceptionsReadError);
  expect((error as Error).name).toBe('ExceptionsReadError');
  expect((error as Error).message).toContain(`Could not use the exceptions document ${URI}: `);
  return error as ExceptionsReadError;
}

describe('exceptions document from S3', () => {
  let sim: Simulator;
  let s3: ObjectGetter;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: scenarioWithBucket({ name: BUCKET, readers: [ACCOUNT_A] }) });
    // The rule reads with the function's own credentials (here: an account the bucket lets read).
    s3 = createObjectGetter({ endpoint: sim.url, region: 'us-east-1', credentials: CREDS_A, maxAttempts: 1 });
  });
  afterAll(async () => {
    s3.destroy();
    await sim.stop();
  });
  beforeEach(() => {
    sim.deleteObject(BUCKET, KEY);
    sim.clearFaults();
    sim.resetCounters();
  });

  it('reads and validates the published document', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const loaded = await new ExceptionsReader(s3).load(URI, { now: NOW });
    expect(loaded.document.exceptions.map((e) => e.id)).toEqual(['EX-1']);
    expect(loaded.etag).toBe(sim.getObject(BUCKET, KEY)?.etag);
    expect(loaded.notModified).toBe(false);
  });

  it('in a warm environment asks S3 only whether it changed (If-None-Match), and uses the kept copy on 304', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const reader = new ExceptionsReader(s3);
    await reader.load(URI, { now: NOW });
    const again = await reader.load(URI, { now: NOW });
    expect(again.notModified).toBe(true);
    expect(again.document.exceptions.map((e) => e.id)).toEqual(['EX-1']);
    expect(sim.counters().calls[ACCOUNT_A]?.s3?.GetObject).toBe(2);
  });

  it('reads the new document once the object is replaced', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const reader = new ExceptionsReader(s3);
    await reader.load(URI, { now: NOW });
    sim.putObject(BUCKET, KEY, published(entry('EX-1'), entry('EX-2')));
    const loaded = await reader.load(URI, { now: NOW });
    expect(loaded.notModified).toBe(false);
    expect(loaded.document.exceptions.map((e) => e.id)).toEqual(['EX-1', 'EX-2']);
  });

  it('accepts expired entries: they must become NON_COMPLIANT "expired" verdicts, not a failed run', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1', { expires: '2026-10-01' })));
    expect((await new ExceptionsReader(s3).load(URI, { now: NOW })).document.exceptions[0]?.expires).toBe('2026-10-01');
  });

  it('fails naming the URI and NoSuchKey when the object is missing', async () => {
    const error = await readFailure(new ExceptionsReader(s3).load(URI, { now: NOW }));
    expect(error.message).toContain('NoSuchKey');
    expect(error.uri).toBe(URI);
  });

  it('fails naming AccessDenied when the function may not read the bucket', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const outsider = createObjectGetter({ endpoint: sim.url, region: 'us-east-1', credentials: CREDS_B, maxAttempts: 1 });
    try {
      expect((await readFailure(new ExceptionsReader(outsider).load(URI, { now: NOW }))).message).toContain('AccessDenied');
    } finally {
      outsider.destroy();
    }
  });

  it('does not fall back to the kept copy when a later read fails', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const reader = new ExceptionsReader(s3);
    await reader.load(URI, { now: NOW });
    sim.addFault({ service: 's3', operation: 'GetObject', error: 'AccessDeniedException', count: 1 });
    await readFailure(reader.load(URI, { now: NOW }));
    // And the next read starts afresh (no If-None-Match against a copy that was dropped).
    expect((await reader.load(URI, { now: NOW })).notModified).toBe(false);
  });

  it('fails when the object is not JSON (e.g. the YAML uploaded by hand), without quoting it', async () => {
    sim.putObject(BUCKET, KEY, 'exceptions:\n  - id: EX-1\n');
    const error = await readFailure(new ExceptionsReader(s3).load(URI, { now: NOW }));
    expect(error.message).toContain('InvalidExceptionsDocumentError');
    expect(error.message).toContain('the object is not JSON');
    expect(error.message).not.toContain('id: EX-1');
    expect(error.cause).toBeInstanceOf(InvalidExceptionsDocumentError);
  });

  it('fails listing every problem when the document is invalid', async () => {
    sim.putObject(BUCKET, KEY, JSON.stringify({ version: 1, exceptions: [entry('EX-1', { owner: 'nobody' }), entry('EX-2', { expires: '2031-01-01' })] }));
    const error = await readFailure(new ExceptionsReader(s3).load(URI, { now: NOW }));
    expect(error.message).toContain('entry #1 (EX-1): field "owner" must be an e-mail address');
    expect(error.message).toContain('entry #2 (EX-2): field "expires" is');
  });

  it('fails without calling S3 when the URI is not s3://bucket/key', async () => {
    const bad = 's3://Bad_Bucket/x.json';
    const error = await new ExceptionsReader(s3).load(bad, { now: NOW }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ExceptionsReadError);
    expect((error as Error).message).toMatch(/s3:\/\/Bad_Bucket\/x\.json: InvalidS3UriError: S3 URI bucket must be/);
    expect(sim.counters().totalCalls).toBe(0);
  });

  it('refuses an object over 1 MiB (S3ObjectTooLargeError from its Content-Length)', async () => {
    sim.putObject(BUCKET, KEY, ' '.repeat(EXCEPTIONS_MAX_BYTES + 1));
    const error = await readFailure(new ExceptionsReader(s3).load(URI, { now: NOW }));
    expect(error.message).toContain(`S3ObjectTooLargeError: the object is ${EXCEPTIONS_MAX_BYTES + 1} bytes; at most ${EXCEPTIONS_MAX_BYTES} are read`);
  });

  it('reads an object of exactly 1 MiB', async () => {
    const text = published(entry('EX-1'));
    sim.putObject(BUCKET, KEY, text + ' '.repeat(EXCEPTIONS_MAX_BYTES - Buffer.byteLength(text)));
    expect((await new ExceptionsReader(s3).load(URI, { now: NOW })).document.exceptions).toHaveLength(1);
  });

  it('fails on an empty object', async () => {
    sim.putObject(BUCKET, KEY, '');
    expect((await readFailure(new ExceptionsReader(s3).load(URI, { now: NOW }))).message).toContain('not JSON');
  });

  it('reads through a client from createExceptionsS3Client pointed at a local endpoint (AWS_ENDPOINT_URL_S3)', async () => {
    sim.putObject(BUCKET, KEY, published(entry('EX-1')));
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: sim.url, AWS_ACCESS_KEY_ID: CREDS_CENTRAL.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS_CENTRAL.secretAccessKey });
    const client = createExceptionsS3Client({ region: 'us-east-1', maxAttempts: 1 });
    try {
      expect((await new ExceptionsReader(client).load(URI, { now: NOW })).document.exceptions).toHaveLength(1);
      expect(sim.counters().calls[CENTRAL]?.s3?.GetObject).toBe(1);
    } finally {
      client.destroy();
      process.env = saved;
    }
  });
});

describe('exceptions document from S3: answers the simulator does not give', () => {
  /** A getter answering from a script, recording what it was asked. */
  const scripted = (...answers: GetObjectOutput[]) => {
    const inputs: GetObjectInput[] = [];
    const getter = {
      get: async (input: GetObjectInput): Promise<GetObjectOutput> => {
        inputs.push(input);
        const answer = answers.shift();
        if (!answer) throw new Error('no more scripted answers');
        return answer;
      },
    };
    return { getter, inputs };
  };

  it('asks with the kept ETag and the 1 MiB cap, and uses the kept copy on 304', async () => {
    const { getter, inputs } = scripted({ notModified: false, body: published(entry('EX-1')), etag: '"e1"' }, { notModified: true });
    const reader = new ExceptionsReader(getter);
    expect((await reader.load(URI, { now: NOW })).notModified).toBe(false);
    const again = await reader.load(URI, { now: NOW });
    expect(again).toMatchObject({ notModified: true, etag: '"e1"' });
    expect(again.document.exceptions.map((e) => e.id)).toEqual(['EX-1']);
    expect(inputs).toEqual([
      { bucket: BUCKET, key: KEY, maxBytes: EXCEPTIONS_MAX_BYTES },
      { bucket: BUCKET, key: KEY, maxBytes: EXCEPTIONS_MAX_BYTES, ifNoneMatch: '"e1"' },
    ]);
  });

  it('keeps nothing from an answer without an ETag (the next read asks afresh)', async () => {
    const { getter, inputs } = scripted({ notModified: false, body: published(entry('EX-1')) }, { notModified: false, body: published(entry('EX-2')) });
    const reader = new ExceptionsReader(getter);
    expect((await reader.load(URI, { now: NOW })).etag).toBeUndefined();
    expect((await reader.load(URI, { now: NOW })).document.exceptions.map((e) => e.id)).toEqual(['EX-2']);
    expect(inputs[1]?.ifNoneMatch).toBeUndefined();
  });

  it('fails on a 304 it did not ask for', async () => {
    const { getter } = scripted({ notModified: true });
    expect((await readFailure(new ExceptionsReader(getter).load(URI, { now: NOW }))).message).toContain('304 Not Modified to a request without If-None-Match');
  });
});
