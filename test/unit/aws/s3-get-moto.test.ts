// The signed GetObject against moto_server (an S3 we did not write), with moto checking SigV4:
// INITIAL_NO_AUTH_ACTION_COUNT lets the first IAM calls (creating a user and its key) through
// unauthenticated, and every request after them must be signed with a key moto knows.
//
// moto 5.2's own signature check rejects keys with non-ASCII, "+", "!'()*" and similar characters
// even from the AWS CLI, so the odd-key case is verified by the local verifier in s3-get.test.ts;
// here the keys are ordinary ones and one with a space.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

import { createObjectGetter, type ObjectGetter } from '../../../src/aws/s3-get';
import { S3ServiceError } from '../../../src/core/errors';
import { onPath, startMoto, type MotoServer as Moto } from '../../helpers/moto-server';

const MOTO_ON_PATH = onPath('moto_server');

if (!MOTO_ON_PATH) console.warn('moto_server not on PATH: s3-get wire test against moto skipped');
const describeWithMoto = MOTO_ON_PATH ? describe : describe.skip;

const BUCKET = 'sec-exceptions';
const UNAUTHENTICATED_SETUP_CALLS = 3; // CreateUser, CreateAccessKey, PutUserPolicy

/** An IAM query call during moto's unauthenticated allowance: only the credential scope's service is read. */
async function iam(url: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action} failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

const element = (xml: string, name: string): string => {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
  if (!value) throw new Error(`no <${name}> in ${xml.slice(0, 300)}`);
  return value;
};

describeWithMoto('createObjectGetter against moto_server (signatures checked)', () => {
  let moto: Moto | undefined;
  let sdk: S3Client;
  let getter: ObjectGetter;
  let credentials: { accessKeyId: string; secretAccessKey: string };
  const etags = new Map<string, string | undefined>();

  beforeAll(async () => {
    moto = await startMoto(30_000, { INITIAL_NO_AUTH_ACTION_COUNT: String(UNAUTHENTICATED_SETUP_CALLS) });
    await iam(moto.url, { Action: 'CreateUser', UserName: 'rule-function' });
    const key = await iam(moto.url, { Action: 'CreateAccessKey', UserName: 'rule-function' });
    credentials = { accessKeyId: element(key, 'AccessKeyId'), secretAccessKey: element(key, 'SecretAccessKey') };
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    await iam(moto.url, { Action: 'PutUserPolicy', UserName: 'rule-function', PolicyName: 's3', PolicyDocument: JSON.stringify(policy) });
    // Seeded through the SDK's client (test only), read through the getter.
    sdk = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
    await sdk.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const key of ['ecs/exceptions.json', 'ecs/with space.json']) {
      const put = await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ key }), ContentType: 'application/json' }));
      etags.set(key, put.ETag);
    }
    getter = createObjectGetter({ endpoint: moto.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  }, 60_000);
  afterAll(async () => {
    getter?.destroy();
    sdk?.destroy();
    await moto?.stop();
  });

  it.each(['ecs/exceptions.json', 'ecs/with space.json'])('reads %s with its ETag, then gets 304 for that ETag', async (key) => {
    const first = await getter.get({ bucket: BUCKET, key, maxBytes: 1024 });
    expect(first).toEqual({ notModified: false, body: JSON.stringify({ key }), etag: etags.get(key) });
    expect(await getter.get({ bucket: BUCKET, key, ifNoneMatch: etags.get(key) as string, maxBytes: 1024 })).toEqual({ notModified: true });
  });

  it('fails with NoSuchKey (404) for a missing object', async () => {
    const error = await getter.get({ bucket: BUCKET, key: 'ecs/missing.json', maxBytes: 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceError);
    expect(error).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
  });

  it('is refused by moto when signed with a wrong secret (moto does check)', async () => {
    const wrong = createObjectGetter({ endpoint: moto?.url as string, region: 'us-east-1', credentials: { ...credentials, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    try {
      const error = await wrong.get({ bucket: BUCKET, key: 'ecs/exceptions.json', maxBytes: 1024 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    } finally {
      wrong.destroy();
    }
  });
});
