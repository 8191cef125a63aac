import { InvalidS3UriError } from '../../../src/core/errors';
import { formatS3Uri, parseS3Uri, s3UriProblem } from '../../../src/core/s3-uri';

describe('S3 URIs', () => {
  it('splits s3://bucket/key at the first slash after the bucket', () => {
    expect(parseS3Uri('s3://sec-exceptions/ecs/pidmode/exceptions.json')).toEqual({ bucket: 'sec-exceptions', key: 'ecs/pidmode/exceptions.json' });
    expect(parseS3Uri('s3://a.b-c/k=v+1')).toEqual({ bucket: 'a.b-c', key: 'k=v+1' });
    expect(formatS3Uri({ bucket: 'sec-exceptions', key: 'x.json' })).toBe('s3://sec-exceptions/x.json');
  });

  it.each<[string, RegExp]>([
    ['S3://bucket/key', /must start with s3:\/\//],
    ['s3://bucket', /must name an object: s3:\/\/bucket\/key/],
    ['s3://bucket/', /must name an object, not a bucket or a prefix/],
    ['s3://bucket/dir/', /not a bucket or a prefix/],
    ['s3://bucket//key', /empty path segments/],
    ['s3://ab/key', /bucket must be 3-63/],
    ['s3://-bucket/key', /bucket must be/],
    ['s3://bucket-/key', /bucket must be/],
    ['s3://my..bucket/key', /bucket must be/],
    ['s3://my_bucket/key', /bucket must be/],
    ['s3://bucket/key?versionId=1', /no spaces, \*, \? or #/],
    ['s3://bucket/exceptions*', /no spaces, \*, \? or #/],
    ['s3://bucket/ke y', /no spaces/],
    [`s3://bucket/${'k'.repeat(1025)}`, /at most 1024 bytes/],
  ])('rejects %s', (uri, message) => {
    expect(s3UriProblem(uri)).toMatch(message);
    expect(() => parseS3Uri(uri)).toThrow(InvalidS3UriError);
  });
});
