import { ANNOTATION_MAX } from '../../../src/core/annotation';
import { InvalidExceptionsDocumentError } from '../../../src/core/errors';
import {
  applyException,
  canonicalExceptionsJson,
  EXCEPTION_DEFAULTS,
  exceptionMetrics,
  exceptVerdict,
  expiryState,
  globsIntersect,
  matchException,
  staleExceptions,
  validateExceptionsDocument,
  type ExceptionEntry,
  type ExceptionsDocument,
} from '../../../src/core/exceptions';
import type { Verdict } from '../../../src/core/types';

const NOW = new Date('2026-12-02T12:00:00Z');
const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const arn = (family: string, revision: number, account = ACCOUNT, region = REGION): string =>
  `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`;

/** A valid entry; tests override what they are about. */
const entry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'EX-12',
  owner: 'secops@example.com',
  reason: 'Datadog agent daemon needs host PIDs',
  ticket: 'SEC-101',
  expires: '2027-03-31',
  accounts: [ACCOUNT],
  family: 'datadog-agent',
  ...overrides,
});

const validate = (entries: unknown[], options: { maxDays?: number; rejectExpired?: boolean } = {}): ExceptionsDocument =>
  validateExceptionsDocument({ exceptions: entries }, { now: NOW, ...options });

/** Every problem the validator lists for `input`. */
function problemsOf(input: unknown, options: { maxDays?: number; rejectExpired?: boolean } = {}): string[] {
  try {
    validateExceptionsDocument(input, { now: NOW, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidExceptionsDocumentError);
    expect((error as Error).name).toBe('InvalidExceptionsDocumentError');
    return [...(error as InvalidExceptionsDocumentError).problems];
  }
  throw new Error('expected the document to be rejected');
}

const doc = (...entries: Record<string, unknown>[]): ExceptionsDocument => validate(entries);

const HOST_VERDICT: Verdict = {
  complianceType: 'NON_COMPLIANT',
  annotation: "pidMode=host: containers share the host's process namespace; 2 running tasks in 1 cluster (prod)",
};
const inUseHost = { pidMode: 'host', inUse: true } as const;

describe('exceptions document: validation', () => {
  it('accepts a complete document and returns its entries field by field in a fixed order', () => {
    const result = validate([entry({ regions: ['eu-west-1'], revisions: [3, '5-7'] })]);
    expect(result.version).toBe(1);
    expect(Object.keys(result.exceptions[0] as object)).toEqual([
      'id',
      'owner',
      'reason',
      'ticket',
      'expires',
      'accounts',
      'regions',
      'family',
      'revisions',
    ]);
  });

  it('accepts an empty list (no exceptions granted)', () => {
    expect(validate([]).exceptions).toEqual([]);
  });

  it('accepts the canonical JSON it publishes (version and sourceSha256)', () => {
    const published = JSON.parse(canonicalExceptionsJson(doc(entry()), 'a'.repeat(64))) as unknown;
    expect(validateExceptionsDocument(published, { now: NOW }).sourceSha256).toBe('a'.repeat(64));
  });

  describe('the document', () => {
    it.each<[string, unknown, RegExp]>([
      ['not a mapping', ['x'], /must be a mapping with a top-level "exceptions" list/],
      ['null', null, /must be a mapping/],
      ['without exceptions', {}, /"exceptions" must be a list \(write "exceptions: \[\]" for none\)/],
      ['with exceptions: null (an empty YAML key)', { exceptions: null }, /"exceptions" must be a list/],
      ['with an unknown top-level key', { exceptions: [], exception: [] }, /unknown top-level field "exception"/],
      ['of another version', { version: 2, exceptions: [] }, /"version" must be 1/],
      ['with a malformed sourceSha256', { sourceSha256: 'abc', exceptions: [] }, /"sourceSha256" must be 64 lowercase hexadecimal/],
    ])('is rejected when %s', (_label, input, message) => {
      expect(problemsOf(input).join('\n')).toMatch(message);
    });

    it('lists every problem of every entry in one error', () => {
      const problems = problemsOf({ exceptions: [entry({ owner: undefined }), entry({ id: 'EX-2', expires: 'soon', family: '*' })] });
      expect(problems).toEqual([
        'entry #1 (EX-12): field "owner" is required (an e-mail address)',
        expect.stringMatching(/^entry #2 \(EX-2\): field "expires" must be a calendar date/),
        expect.stringMatching(/^entry #2 \(EX-2\): field "family" must name at least one character/),
      ]);
    });

    it('names the entry by position when it has no usable id', () => {
      expect(problemsOf({ exceptions: [entry({ id: undefined })] })).toEqual(['entry #1: field "id" is required']);
      expect(problemsOf({ exceptions: ['EX-1'] })).toEqual(['entry #1: must be a mapping of fields']);
    });
  });

  describe('each entry', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an unknown field (a typo of a known one)', { expiry: '2027-01-01' }, 'expiry', /is not a known field \(known: id, owner,/],
      ['a missing id', { id: undefined }, 'id', /is required/],
      ['an id with spaces', { id: 'EX 12' }, 'id', /must be 1-32 letters, digits/],
      ['an id over 32 characters', { id: 'E'.repeat(33) }, 'id', /must be 1-32/],
      ['a missing owner', { owner: undefined }, 'owner', /is required \(an e-mail address\)/],
      ['an owner that is not an e-mail address', { owner: 'secops' }, 'owner', /must be an e-mail address/],
      ['an owner with non-ASCII characters', { owner: 'sécops@example.com' }, 'owner', /must be an e-mail address of at most 100 ASCII/],
      ['an owner over 100 characters', { owner: `${'a'.repeat(90)}@example.com` }, 'owner', /at most 100/],
      ['a missing reason', { reason: undefined }, 'reason', /is required/],
      ['an empty reason', { reason: '' }, 'reason', /must be one line of 1-200 printable ASCII/],
      ['a reason over several lines', { reason: 'agent\nneeds host' }, 'reason', /must be one line/],
      ['a reason with a trailing newline (YAML block scalar)', { reason: 'agent needs host\n' }, 'reason', /without leading or trailing spaces/],
      ['a reason over 200 characters', { reason: 'r'.repeat(201) }, 'reason', /1-200/],
      ['a ticket with spaces', { ticket: 'SEC 1' }, 'ticket', /without spaces/],
      ['a missing expiry', { expires: undefined }, 'expires', /is required \(a date, YYYY-MM-DD\)/],
      ['an expiry that is not a date', { expires: 'next year' }, 'expires', /calendar date written YYYY-MM-DD/],
      ['an expiry that is no calendar day', { expires: '2027-02-30' }, 'expires', /calendar date/],
      ['an expiry with a time', { expires: '2027-03-31T00:00:00Z' }, 'expires', /calendar date/],
      ['an expiry read as a YAML 1.1 timestamp', { expires: new Date('2027-03-31') }, 'expires', /quote it/],
      ['an expiry beyond the maximum', { expires: '2027-12-31' }, 'expires', /is 394 days ahead; at most 365 days are allowed/],
      ['missing accounts', { accounts: undefined }, 'accounts', /is required \(12-digit account IDs, or \["\*"\]/],
      ['an empty accounts list', { accounts: [] }, 'accounts', /non-empty list/],
      ['accounts given as a string', { accounts: ACCOUNT }, 'accounts', /non-empty list/],
      ['"*" mixed with account IDs', { accounts: ['*', ACCOUNT] }, 'accounts', /either \["\*"\] or a list of account IDs, not both/],
      ['an unquoted account ID (a YAML number)', { accounts: [12345678901] }, 'accounts[0]', /must be a quoted string: YAML reads unquoted digits as a number/],
      ['an account ID of 11 digits', { accounts: ['12345678901'] }, 'accounts[0]', /12-digit account ID/],
      ['an account listed twice', { accounts: [ACCOUNT, ACCOUNT] }, 'accounts', /lists an account twice/],
      ['an empty regions list', { regions: [] }, 'regions', /non-empty list of Region names, or be left out/],
      ['a malformed Region', { regions: ['Europe'] }, 'regions[0]', /Region name such as eu-west-1/],
      ['a Region listed twice', { regions: [REGION, REGION] }, 'regions', /twice/],
      ['a missing family', { family: undefined }, 'family', /is required \(a family name or a glob\)/],
      ['a family with a slash', { family: 'team/agent' }, 'family', /letters, digits, - and _\), optionally with the wildcards/],
      ['a family over 255 characters', { family: 'f'.repeat(256) }, 'family', /family name/],
      ['a family of wildcards only', { family: '*' }, 'family', /would except every family/],
      ['an empty revisions list', { revisions: [] }, 'revisions', /non-empty list .* or be left out/],
      ['revision 0', { revisions: [0] }, 'revisions[0]', /revision number \(1 or more\)/],
      ['a fractional revision', { revisions: [1.5] }, 'revisions[0]', /revision number/],
      ['a revision given as a string', { revisions: ['3'] }, 'revisions[0]', /revision number/],
      ['a reversed range', { revisions: ['7-3'] }, 'revisions[0]', /range "N-M" with N <= M/],
      ['an open range', { revisions: ['3-'] }, 'revisions[0]', /range/],
    ])('is rejected with %s, naming the entry and the field', (_label, overrides, field, message) => {
      const problems = problemsOf({ exceptions: [entry(overrides)] });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^entry #1( \\(EX-12\\))?: field "${field.replace(/[[\]]/g, '\\$&')}" `));
      expect(problems[0]).toMatch(message);
    });

    it('accepts an expiry exactly maxDays ahead, and takes the maximum as an option', () => {
      expect(() => validate([entry({ expires: '2027-12-02' })])).not.toThrow();
      expect(problemsOf({ exceptions: [entry({ expires: '2027-12-03' })] })[0]).toMatch(/366 days ahead; at most 365/);
      expect(() => validate([entry({ expires: '2027-12-31' })], { maxDays: 400 })).not.toThrow();
      expect(problemsOf({ exceptions: [entry()] }, { maxDays: 30 })[0]).toMatch(/119 days ahead; at most 30 days/);
    });

    it('accepts an expired entry by default: the Lambda must report it NON_COMPLIANT, not fail', () => {
      expect(validate([entry({ expires: '2026-10-01' })]).exceptions[0]?.expires).toBe('2026-10-01');
    });

    it('rejects an expired entry when asked to (validate and publish in the CLI)', () => {
      expect(problemsOf({ exceptions: [entry({ expires: '2026-12-01' })] }, { rejectExpired: true })).toEqual([
        'entry #1 (EX-12): field "expires" is in the past (2026-12-01): the exception has expired',
      ]);
    });

    it('treats an expiry of today as not yet expired (valid through the end of the day, UTC)', () => {
      expect(() => validate([entry({ expires: '2026-12-02' })], { rejectExpired: true })).not.toThrow();
    });

    it('accepts ["*"] for every account, Regions, revisions as numbers and ranges, and no ticket', () => {
      const result = validate([entry({ accounts: ['*'], regions: ['us-gov-west-1', 'eu-west-1'], revisions: [1, '3-7'], ticket: undefined })]);
      expect(result.exceptions[0]).toEqual({
        id: 'EX-12',
        owner: 'secops@example.com',
        reason: 'Datadog agent daemon needs host PIDs',
        expires: '2027-03-31',
        accounts: ['*'],
        regions: ['us-gov-west-1', 'eu-west-1'],
        family: 'datadog-agent',
        revisions: [1, '3-7'],
      });
    });
  });

  describe('duplicates', () => {
    it('rejects two entries with the same id, naming both', () => {
      const problems = problemsOf({ exceptions: [entry(), entry({ family: 'other' })] });
      expect(problems).toEqual(['entry #2 (EX-12): field "id" repeats the id of entry #1']);
    });

    it('rejects two entries that can match the same revision, naming both', () => {
      const problems = problemsOf({ exceptions: [entry({ id: 'EX-1', family: 'datadog-*' }), entry({ id: 'EX-2', family: '*-agent' })] });
      expect(problems).toEqual([
        'entry #1 (EX-1) and entry #2 (EX-2) overlap: some revision matches both (accounts, regions, family and revisions all intersect); merge them or narrow one',
      ]);
    });

    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['different accounts', { accounts: [ACCOUNT] }, { accounts: [OTHER_ACCOUNT] }],
      ['different Regions', { regions: ['eu-west-1'] }, { regions: ['us-east-1'] }],
      ['disjoint revisions', { revisions: [1, '3-4'] }, { revisions: ['5-9', 2] }],
      ['families no name can match both', { family: 'datadog-*' }, { family: 'falco-*' }],
      ['same-length globs that differ in a fixed character', { family: 'agent-?a' }, { family: 'agent-?b' }],
    ])('allows entries in the same document with %s', (_label, a, b) => {
      expect(() => validate([entry({ id: 'EX-1', ...a }), entry({ id: 'EX-2', ...b })])).not.toThrow();
    });

    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['"*" against one account', { accounts: ['*'] }, { accounts: [ACCOUNT] }],
      ['all Regions against one', {}, { regions: ['eu-west-1'] }],
      ['every revision against some', {}, { revisions: [4] }],
      ['ranges that share a revision', { revisions: ['1-4'] }, { revisions: ['4-9'] }],
      ['an exact family inside a glob', { family: 'datadog-agent' }, { family: 'datadog-*' }],
      ['"?" against a letter', { family: 'agent-?' }, { family: 'agent-x' }],
    ])('rejects entries that overlap through %s', (_label, a, b) => {
      expect(problemsOf({ exceptions: [entry({ id: 'EX-1', ...a }), entry({ id: 'EX-2', ...b })] })[0]).toMatch(/EX-1\) and entry #2 \(EX-2\) overlap/);
    });
  });
});

describe('glob intersection', () => {
  it.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['a*', '*c', true],
    ['a*b', 'a*c', false],
    ['a?c', '?b?', true],
    ['a??', 'a?', false],
    ['*x*', '*y*', true],
    ['a*', 'b*', false],
    ['ab*cd', 'a*d', true],
    ['a*b*c', 'a*c*c', true],
    ['a*b*c', 'a*c*b', false],
    ['x*', 'x', true],
  ])('%s and %s: %s', (p, q, expected) => {
    expect(globsIntersect(p, q)).toBe(expected);
    expect(globsIntersect(q, p)).toBe(expected);
  });

  it('agrees with brute force on every pair of short patterns over a, b, * and ?', () => {
    const patterns = words(['a', 'b', '*', '?'], 3);
    // A common name, if any, is no longer than both patterns together; "c" stands for any other character.
    const names = words(['a', 'b', 'c'], 6);
    const toRegex = (glob: string) => new RegExp(`^${glob.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    for (const p of patterns) {
      for (const q of patterns) {
        const rp = toRegex(p);
        const rq = toRegex(q);
        expect([p, q, globsIntersect(p, q)]).toEqual([p, q, names.some((n) => rp.test(n) && rq.test(n))]);
      }
    }
  });
});

/** Every word of length 0..maxLength over the alphabet. */
function words(alphabet: readonly string[], maxLength: number): string[] {
  const out = [''];
  let level = [''];
  for (let length = 1; length <= maxLength; length++) {
    level = level.flatMap((w) => alphabet.map((c) => w + c));
    out.push(...level);
  }
  return out;
}

describe('exceptions document: matching', () => {
  const ref = (taskDefinitionArn: string, accountId = ACCOUNT, region = REGION) => ({ accountId, region, taskDefinitionArn });

  it('matches an exact family in a listed account, any Region and revision when those are left out', () => {
    expect(matchException(doc(entry()), ref(arn('datadog-agent', 42)))?.id).toBe('EX-12');
    expect(matchException(doc(entry()), ref(arn('datadog-agent', 1, ACCOUNT, 'ap-south-1'), ACCOUNT, 'ap-south-1'))?.id).toBe('EX-12');
  });

  it('does not match another family, another account or an unlisted Region', () => {
    const d = doc(entry({ regions: [REGION] }));
    expect(matchException(d, ref(arn('datadog-agent-v2', 1)))).toBeUndefined();
    expect(matchException(d, ref(arn('datadog-agent', 1, OTHER_ACCOUNT), OTHER_ACCOUNT))).toBeUndefined();
    expect(matchException(d, ref(arn('datadog-agent', 1, ACCOUNT, 'us-east-1'), ACCOUNT, 'us-east-1'))).toBeUndefined();
  });

  it('matches every account with ["*"]', () => {
    expect(matchException(doc(entry({ accounts: ['*'] })), ref(arn('datadog-agent', 1, OTHER_ACCOUNT), OTHER_ACCOUNT))?.id).toBe('EX-12');
  });

  it('matches family globs: * any run of characters (also none), ? exactly one, case-sensitive', () => {
    const star = doc(entry({ family: 'datadog-*' }));
    expect(matchException(star, ref(arn('datadog-', 1)))).toBeDefined();
    expect(matchException(star, ref(arn('datadog-agent_v2', 1)))).toBeDefined();
    expect(matchException(star, ref(arn('Datadog-agent', 1)))).toBeUndefined();
    expect(matchException(star, ref(arn('my-datadog-agent', 1)))).toBeUndefined();
    const one = doc(entry({ family: 'falco-?' }));
    expect(matchException(one, ref(arn('falco-1', 1)))).toBeDefined();
    expect(matchException(one, ref(arn('falco-', 1)))).toBeUndefined();
    expect(matchException(one, ref(arn('falco-12', 1)))).toBeUndefined();
  });

  it('matches listed revisions and inclusive ranges only', () => {
    const d = doc(entry({ revisions: [2, '5-7'] }));
    expect([1, 2, 3, 4, 5, 6, 7, 8].filter((r) => matchException(d, ref(arn('datadog-agent', r))))).toEqual([2, 5, 6, 7]);
  });

  it('takes the family and revision from the ARN (the last colon separates the revision)', () => {
    const d = doc(entry({ family: 'a-b', revisions: [3] }));
    expect(matchException(d, ref('arn:aws-us-gov:ecs:us-gov-west-1:111111111111:task-definition/a-b:3'))).toBeDefined();
  });

  it('matches nothing for an ARN that is not a task definition revision', () => {
    const d = doc(entry());
    expect(matchException(d, ref('arn:aws:ecs:eu-west-1:111111111111:task-definition/datadog-agent'))).toBeUndefined();
    expect(matchException(d, ref('datadog-agent:1'))).toBeUndefined();
  });
});

describe('what the rule reports for a matched revision', () => {
  const at = (iso: string) => ({ now: new Date(iso) });
  const matched = validate([entry()]).exceptions[0] as ExceptionEntry;

  it('reports NOT_APPLICABLE with owner, expiry and reason while the exception is valid', () => {
    expect(applyException(HOST_VERDICT, inUseHost, matched, at('2026-12-02T12:00:00Z'))).toEqual({
      verdict: {
        complianceType: 'NOT_APPLICABLE',
        annotation: 'exception EX-12 (secops@example.com) until 2027-03-31: Datadog agent daemon needs host PIDs',
      },
      outcome: 'excepted',
      exceptionId: 'EX-12',
    });
  });

  it('still reports NOT_APPLICABLE within 14 days of expiry, saying in how many days it expires', () => {
    const result = applyException(HOST_VERDICT, inUseHost, matched, at('2027-03-17T08:00:00Z'));
    expect(result.outcome).toBe('expiring');
    expect(result.verdict).toEqual({
      complianceType: 'NOT_APPLICABLE',
      annotation: 'exception EX-12 (secops@example.com) until 2027-03-31, expires in 14 days: Datadog agent daemon needs host PIDs',
    });
    expect(applyException(HOST_VERDICT, inUseHost, matched, at('2027-03-16T23:59:59Z')).outcome).toBe('excepted');
  });

  it('says "in 1 day" on the day before and "today" on the last valid day', () => {
    expect(applyException(HOST_VERDICT, inUseHost, matched, at('2027-03-30T00:00:00Z')).verdict.annotation).toContain(', expires in 1 day: ');
    expect(applyException(HOST_VERDICT, inUseHost, matched, at('2027-03-31T23:59:59.999Z')).verdict.annotation).toContain(', expires today: ');
  });

  it('takes the warning window as an option', () => {
    expect(applyException(HOST_VERDICT, inUseHost, matched, { now: new Date('2027-03-01T00:00:00Z'), warnDays: 30 }).outcome).toBe('expiring');
    expect(applyException(HOST_VERDICT, inUseHost, matched, { now: new Date('2027-03-30T00:00:00Z'), warnDays: 0 }).outcome).toBe('excepted');
  });

  it('reports NON_COMPLIANT with "expired on" once the expiry day has passed, keeping the rule\'s own reason', () => {
    const result = applyException(HOST_VERDICT, inUseHost, matched, at('2027-04-01T00:00:00Z'));
    expect(result).toEqual({
      verdict: {
        complianceType: 'NON_COMPLIANT',
        annotation: `exception EX-12 expired on 2027-03-31 (secops@example.com); ${HOST_VERDICT.annotation}`,
      },
      outcome: 'expired',
      exceptionId: 'EX-12',
    });
  });

  it.each<[string, { pidMode: 'host' | 'task' | 'unset'; inUse: boolean }, Verdict]>([
    ['a host-mode revision nobody runs', { pidMode: 'host', inUse: false }, { complianceType: 'NOT_APPLICABLE', annotation: 'No task uses it' }],
    ['an in-use pidMode=task revision', { pidMode: 'task', inUse: true }, { complianceType: 'COMPLIANT', annotation: 'pidMode=task; 1 running task' }],
    ['an in-use revision without pidMode', { pidMode: 'unset', inUse: true }, { complianceType: 'COMPLIANT', annotation: 'pidMode not set' }],
  ])('never changes the verdict of %s, even with an expired exception', (_label, revision, verdict) => {
    for (const now of ['2026-12-02T00:00:00Z', '2028-01-01T00:00:00Z']) {
      expect(applyException(verdict, revision, matched, at(now))).toEqual({ verdict, outcome: 'none' });
    }
  });

  it('leaves the verdict alone when no entry matched', () => {
    expect(applyException(HOST_VERDICT, inUseHost, undefined, at('2026-12-02T00:00:00Z'))).toEqual({ verdict: HOST_VERDICT, outcome: 'none' });
  });

  it('fits every annotation within 256 characters, cutting the reason or the rule\'s text, never the head', () => {
    const longest = validate([
      entry({ id: 'E'.repeat(32), owner: `${'o'.repeat(88)}@example.com`, reason: 'r'.repeat(200), expires: '2026-12-10' }),
    ]).exceptions[0] as ExceptionEntry;
    const long: Verdict = { complianceType: 'NON_COMPLIANT', annotation: 'x'.repeat(256) };
    for (const now of ['2026-12-02T00:00:00Z', '2027-01-01T00:00:00Z']) {
      const { annotation } = applyException(long, inUseHost, longest, at(now)).verdict;
      expect(annotation.length).toBeLessThanOrEqual(ANNOTATION_MAX);
      expect(annotation).toMatch(/^exception E{32} /);
      expect(annotation).toContain('o'.repeat(88));
      expect(annotation.endsWith('…')).toBe(true);
    }
  });
});

describe('one revision through the orchestration (exceptVerdict) and the run\'s metrics', () => {
  const document = doc(
    entry({ id: 'EX-1', family: 'agent-a' }),
    entry({ id: 'EX-2', family: 'agent-b', expires: '2026-12-10' }),
    entry({ id: 'EX-3', family: 'agent-c', expires: '2026-11-30' }),
  );
  const scope = { document, accountId: ACCOUNT, region: REGION, now: NOW };
  const host = (family: string, revision = 1) => ({ taskDefinitionArn: arn(family, revision), pidMode: 'host' as const, inUse: true });

  it('applies the matching entry for the evaluated account and Region', () => {
    expect(exceptVerdict(HOST_VERDICT, host('agent-a'), scope)).toMatchObject({ outcome: 'excepted', exceptionId: 'EX-1', verdict: { complianceType: 'NOT_APPLICABLE' } });
    expect(exceptVerdict(HOST_VERDICT, host('agent-a'), { ...scope, accountId: OTHER_ACCOUNT }).outcome).toBe('none');
    expect(exceptVerdict(HOST_VERDICT, host('agent-a'), { ...scope, warnDays: 200 }).outcome).toBe('expiring');
  });

  it('leaves every verdict alone without a document (ExceptionsS3Uri not set), and for revisions that are not in-use host-mode', () => {
    expect(exceptVerdict(HOST_VERDICT, host('agent-a'), undefined)).toEqual({ verdict: HOST_VERDICT, outcome: 'none' });
    const task: Verdict = { complianceType: 'COMPLIANT', annotation: 'pidMode=task' };
    expect(exceptVerdict(task, { ...host('agent-a'), pidMode: 'task' }, scope)).toEqual({ verdict: task, outcome: 'none' });
  });

  it('counts excepted revisions, and expiring and expired exceptions once each', () => {
    const applied = [host('agent-a', 1), host('agent-a', 2), host('agent-b', 1), host('agent-b', 2), host('agent-c', 1), host('agent-c', 2), host('other')].map((r) =>
      exceptVerdict(HOST_VERDICT, r, scope),
    );
    expect(exceptionMetrics(applied)).toEqual({ ExceptedRevisionsInUse: 4, ExceptionsExpiringSoon: 1, ExceptionsExpired: 1 });
    expect(exceptionMetrics([])).toEqual({ ExceptedRevisionsInUse: 0, ExceptionsExpiringSoon: 0, ExceptionsExpired: 0 });
  });
});

describe('expiry state', () => {
  it('counts whole UTC days to the expiry date', () => {
    expect(expiryState({ expires: '2026-12-20' }, { now: NOW })).toEqual({ state: 'valid', daysLeft: 18 });
    expect(expiryState({ expires: '2026-12-16' }, { now: NOW })).toEqual({ state: 'expiring', daysLeft: EXCEPTION_DEFAULTS.warnDays });
    expect(expiryState({ expires: '2026-12-02' }, { now: NOW })).toEqual({ state: 'expiring', daysLeft: 0 });
    expect(expiryState({ expires: '2026-11-30' }, { now: NOW })).toEqual({ state: 'expired', daysLeft: -2 });
  });
});

describe('stale exceptions (for the security team\'s review)', () => {
  const d = doc(
    entry({ id: 'EX-1', family: 'datadog-*' }),
    entry({ id: 'EX-2', family: 'falco', revisions: [3] }),
    entry({ id: 'EX-3', family: 'sysdig', accounts: [OTHER_ACCOUNT] }),
  );

  it('lists entries that match no in-use revision, reading account and Region from each ARN', () => {
    const stale = staleExceptions(d, [{ taskDefinitionArn: arn('datadog-agent', 9) }, { taskDefinitionArn: arn('falco', 4) }, { taskDefinitionArn: arn('sysdig', 1) }]);
    expect(stale.map((e) => e.id)).toEqual(['EX-2', 'EX-3']);
  });

  it('counts an entry as stale when what it matches runs without pidMode host any more', () => {
    expect(staleExceptions(d, [{ taskDefinitionArn: arn('datadog-agent', 9), pidMode: 'task' }]).map((e) => e.id)).toEqual(['EX-1', 'EX-2', 'EX-3']);
    expect(staleExceptions(d, [{ taskDefinitionArn: arn('datadog-agent', 9), pidMode: 'host' }]).map((e) => e.id)).toEqual(['EX-2', 'EX-3']);
  });
});

describe('canonical JSON', () => {
  it('sorts entries by id, keeps a fixed key order and is byte-for-byte stable', () => {
    const a = doc(entry({ id: 'EX-2', family: 'b' }), entry({ id: 'EX-1', family: 'a' }));
    const b = doc(entry({ family: 'a', id: 'EX-1' }), entry({ family: 'b', id: 'EX-2' }));
    const json = canonicalExceptionsJson(a, 'f'.repeat(64));
    expect(json).toBe(canonicalExceptionsJson(b, 'f'.repeat(64)));
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json) as { version: number; sourceSha256: string; exceptions: { id: string }[] };
    expect(Object.keys(parsed)).toEqual(['version', 'sourceSha256', 'exceptions']);
    expect(parsed.exceptions.map((e) => e.id)).toEqual(['EX-1', 'EX-2']);
  });
});
