// Exceptions granted by the security team: a document (YAML in version control, published as
// canonical JSON) that lets named, in-use host-mode revisions be NOT_APPLICABLE until a date.
// Pure: no AWS, no YAML parser (the Lambda bundle reads JSON). The same validator serves the CLI
// (on parsed YAML) and the Lambda (on the published JSON), so both agree on what is valid.
import { fitAnnotation } from './annotation';
import { InvalidExceptionsDocumentError } from './errors';
import { COMPLIANCE, type PidMode, type Verdict } from './types';

export const EXCEPTIONS_DOCUMENT_VERSION = 1;

export const EXCEPTION_DEFAULTS = {
  /** Furthest expiry accepted, in days after today (UTC). */
  maxDays: 365,
  /** An exception within this many days of its expiry is reported as expiring. */
  warnDays: 14,
} as const;

/**
 * One exception. `expires` is a calendar date (YYYY-MM-DD): the exception holds through the end
 * of that day in UTC, and is expired from the next day's 00:00 UTC.
 */
export interface ExceptionEntry {
  readonly id: string;
  /** E-mail address of the person or team answerable for it. */
  readonly owner: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly expires: string;
  /** 12-digit account IDs, or exactly ['*'] for every account. */
  readonly accounts: readonly string[];
  /** Region names; absent means every Region. */
  readonly regions?: readonly string[];
  /** Exact family name or a glob: `*` any run of characters, `?` one character. Case-sensitive. */
  readonly family: string;
  /** Revision numbers and inclusive ranges "N-M"; absent means every revision of the family. */
  readonly revisions?: readonly (number | string)[];
}

export interface ExceptionsDocument {
  readonly version: typeof EXCEPTIONS_DOCUMENT_VERSION;
  /** SHA-256 of the YAML the document was published from: links the S3 object to a commit. */
  readonly sourceSha256?: string;
  readonly exceptions: readonly ExceptionEntry[];
}

export interface ValidateOptions {
  readonly now: Date;
  /** Default EXCEPTION_DEFAULTS.maxDays. */
  readonly maxDays?: number;
  /**
   * Reject entries whose expiry has passed. For the CLI (validate, publish): nobody should publish
   * an expired grant. Off by default because the Lambda must not reject them: an expired entry
   * has to produce a NON_COMPLIANT "expired" verdict, and a rejected document would instead leave
   * the last NOT_APPLICABLE standing.
   */
  readonly rejectExpired?: boolean;
}

const TOP_LEVEL_KEYS = ['version', 'sourceSha256', 'exceptions'] as const;
const ENTRY_KEYS = ['id', 'owner', 'reason', 'ticket', 'expires', 'accounts', 'regions', 'family', 'revisions'] as const;

// Everything that reaches an annotation is short printable ASCII, so Config shows it as written
// and the fixed part of an annotation always fits in 256 characters.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const OWNER_MAX = 100;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const REASON_MAX = 200;
const PRINTABLE = /^[\x20-\x7e]+$/;
const TICKET = /^[\x21-\x7e]{1,100}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// ECS family names: up to 255 letters, digits, hyphens and underscores; plus the two wildcards.
const FAMILY_PATTERN = /^[A-Za-z0-9_*?-]{1,255}$/;
const RANGE = /^([1-9]\d{0,8})-([1-9]\d{0,8})$/;
const SHA256 = /^[0-9a-f]{64}$/;
const DAY_MS = 86_400_000;

/**
 * Checks everything and throws one InvalidExceptionsDocumentError listing every problem, each
 * naming the entry (position and id) and the field. Returns the document with entries rebuilt
 * field by field in a fixed key order (nothing unvalidated passes through).
 */
export function validateExceptionsDocument(input: unknown, options: ValidateOptions): ExceptionsDocument {
  const problems: string[] = [];
  if (!isRecord(input)) throw new InvalidExceptionsDocumentError(['the document must be a mapping with a top-level "exceptions" list']);
  for (const key of Object.keys(input)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) problems.push(`unknown top-level field "${key}" (known: ${TOP_LEVEL_KEYS.join(', ')})`);
  }
  if (input.version !== undefined && input.version !== EXCEPTIONS_DOCUMENT_VERSION) {
    problems.push(`top-level field "version" must be ${EXCEPTIONS_DOCUMENT_VERSION}`);
  }
  if (input.sourceSha256 !== undefined && (typeof input.sourceSha256 !== 'string' || !SHA256.test(input.sourceSha256))) {
    problems.push('top-level field "sourceSha256" must be 64 lowercase hexadecimal characters');
  }
  if (!Array.isArray(input.exceptions)) {
    problems.push('top-level field "exceptions" must be a list (write "exceptions: []" for none)');
    throw new InvalidExceptionsDocumentError(problems);
  }

  const today = dayNumber(options.now);
  const maxDays = options.maxDays ?? EXCEPTION_DEFAULTS.maxDays;
  const entries: (ExceptionEntry | undefined)[] = input.exceptions.map((raw: unknown, index: number) =>
    validateEntry(raw, index, { today, maxDays, rejectExpired: options.rejectExpired ?? false }, problems),
  );

  const firstById = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!entry) return;
    const earlier = firstById.get(entry.id);
    if (earlier === undefined) firstById.set(entry.id, index);
    else problems.push(`${where(index, entry.id)}: field "id" repeats the id of entry #${earlier + 1}`);
  });
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i];
      const b = entries[j];
      if (a && b && scopesOverlap(a, b)) {
        problems.push(
          `${where(i, a.id)} and ${where(j, b.id)} overlap: some revision matches both ` +
            '(accounts, regions, family and revisions all intersect); merge them or narrow one',
        );
      }
    }
  }

  if (problems.length > 0) throw new InvalidExceptionsDocumentError(problems);
  const valid = entries as ExceptionEntry[];
  return {
    version: EXCEPTIONS_DOCUMENT_VERSION,
    ...(typeof input.sourceSha256 === 'string' ? { sourceSha256: input.sourceSha256 } : {}),
    exceptions: valid,
  };
}

interface EntryChecks {
  readonly today: number;
  readonly maxDays: number;
  readonly rejectExpired: boolean;
}

function validateEntry(raw: unknown, index: number, checks: EntryChecks, problems: string[]): ExceptionEntry | undefined {
  const rawId = isRecord(raw) && typeof raw.id === 'string' && ID.test(raw.id) ? raw.id : undefined;
  const at = where(index, rawId);
  if (!isRecord(raw)) {
    problems.push(`${at}: must be a mapping of fields`);
    return undefined;
  }
  const before = problems.length;
  const fail = (field: string, message: string): void => {
    problems.push(`${at}: field "${field}" ${message}`);
  };
  for (const key of Object.keys(raw)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) fail(key, `is not a known field (known: ${ENTRY_KEYS.join(', ')})`);
  }

  if (raw.id === undefined) fail('id', 'is required');
  else if (rawId === undefined) fail('id', 'must be 1-32 letters, digits, dots, hyphens or underscores, starting with a letter or digit');

  if (raw.owner === undefined) fail('owner', 'is required (an e-mail address)');
  else if (typeof raw.owner !== 'string' || raw.owner.length > OWNER_MAX || !EMAIL.test(raw.owner)) {
    fail('owner', `must be an e-mail address of at most ${OWNER_MAX} ASCII characters`);
  }

  if (raw.reason === undefined) fail('reason', 'is required');
  else if (typeof raw.reason !== 'string' || raw.reason.length > REASON_MAX || !PRINTABLE.test(raw.reason) || raw.reason.trim() !== raw.reason) {
    fail('reason', `must be one line of 1-${REASON_MAX} printable ASCII characters, without leading or trailing spaces`);
  }

  if (raw.ticket !== undefined && (typeof raw.ticket !== 'string' || !TICKET.test(raw.ticket))) {
    fail('ticket', 'must be 1-100 printable ASCII characters without spaces');
  }

  if (raw.expires === undefined) fail('expires', 'is required (a date, YYYY-MM-DD)');
  else {
    const day = typeof raw.expires === 'string' ? parseDay(raw.expires) : undefined;
    if (day === undefined) fail('expires', 'must be a calendar date written YYYY-MM-DD (quote it if your YAML tool reads dates as timestamps)');
    else if (checks.rejectExpired && day < checks.today) fail('expires', `is in the past (${raw.expires as string}): the exception has expired`);
    else if (day - checks.today > checks.maxDays) {
      fail('expires', `is ${day - checks.today} days ahead; at most ${checks.maxDays} days are allowed`);
    }
  }

  checkAccounts(raw.accounts, fail);
  if (raw.regions !== undefined) {
    if (!Array.isArray(raw.regions) || raw.regions.length === 0) fail('regions', 'must be a non-empty list of Region names, or be left out for every Region');
    else {
      raw.regions.forEach((region: unknown, i: number) => {
        if (typeof region !== 'string' || !REGION.test(region)) fail(`regions[${i}]`, 'must be a Region name such as eu-west-1');
      });
      if (hasDuplicates(raw.regions)) fail('regions', 'lists a Region twice');
    }
  }

  if (raw.family === undefined) fail('family', 'is required (a family name or a glob)');
  else if (typeof raw.family !== 'string' || !FAMILY_PATTERN.test(raw.family)) {
    fail('family', 'must be a task definition family name (letters, digits, - and _), optionally with the wildcards * and ?');
  } else if (/^[*?]+$/.test(raw.family)) {
    fail('family', 'must name at least one character of the family: a pattern of wildcards only would except every family');
  }

  if (raw.revisions !== undefined) {
    if (!Array.isArray(raw.revisions) || raw.revisions.length === 0) {
      fail('revisions', 'must be a non-empty list of revision numbers and ranges "N-M", or be left out for every revision');
    } else {
      raw.revisions.forEach((item: unknown, i: number) => {
        if (revisionInterval(item) === undefined) fail(`revisions[${i}]`, 'must be a revision number (1 or more) or a range "N-M" with N <= M');
      });
    }
  }

  if (problems.length > before) return undefined;
  const entry = raw as unknown as ExceptionEntry;
  return {
    id: entry.id,
    owner: entry.owner,
    reason: entry.reason,
    ...(entry.ticket !== undefined ? { ticket: entry.ticket } : {}),
    expires: entry.expires,
    accounts: [...entry.accounts],
    ...(entry.regions !== undefined ? { regions: [...entry.regions] } : {}),
    family: entry.family,
    ...(entry.revisions !== undefined ? { revisions: [...entry.revisions] } : {}),
  };
}

function checkAccounts(accounts: unknown, fail: (field: string, message: string) => void): void {
  if (accounts === undefined) return fail('accounts', 'is required (12-digit account IDs, or ["*"] for every account)');
  if (!Array.isArray(accounts) || accounts.length === 0) return fail('accounts', 'must be a non-empty list of 12-digit account IDs, or ["*"]');
  if (accounts.includes('*')) {
    if (accounts.length > 1) fail('accounts', 'must be either ["*"] or a list of account IDs, not both');
    return;
  }
  accounts.forEach((account: unknown, i: number) => {
    if (typeof account === 'number') {
      fail(`accounts[${i}]`, 'must be a quoted string: YAML reads unquoted digits as a number and drops leading zeros');
    } else if (typeof account !== 'string' || !ACCOUNT.test(account)) {
      fail(`accounts[${i}]`, 'must be a 12-digit account ID');
    }
  });
  if (hasDuplicates(accounts)) fail('accounts', 'lists an account twice');
}

/** "entry #3 (EX-12)": 1-based, as a person counts entries in the file. */
function where(index: number, id: string | undefined): string {
  return id === undefined ? `entry #${index + 1}` : `entry #${index + 1} (${id})`;
}

// ---------------------------------------------------------------------------------------------
// Matching

export interface RevisionRef {
  readonly accountId: string;
  readonly region: string;
  /** arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision> */
  readonly taskDefinitionArn: string;
}

const REVISION_ARN = /^arn:[\w-]+:ecs:[\w-]+:\d{12}:task-definition\/([A-Za-z0-9_-]+):(\d+)$/;

/**
 * The entry whose scope covers the revision, or undefined. Validation rejects overlapping
 * entries, so at most one can match. An ARN that is not a task definition revision's matches
 * nothing: the rule then reports what it found, without an exception.
 */
export function matchException(doc: ExceptionsDocument, ref: RevisionRef): ExceptionEntry | undefined {
  const target = matchTarget(ref);
  return target && doc.exceptions.find((entry) => entryCovers(entry, target));
}

interface MatchTarget {
  readonly accountId: string;
  readonly region: string;
  readonly family: string;
  readonly revision: number;
}

function matchTarget(ref: RevisionRef): MatchTarget | undefined {
  const parsed = REVISION_ARN.exec(ref.taskDefinitionArn);
  return parsed ? { accountId: ref.accountId, region: ref.region, family: parsed[1] as string, revision: Number(parsed[2]) } : undefined;
}

function entryCovers(entry: ExceptionEntry, target: MatchTarget): boolean {
  if (!(entry.accounts[0] === '*' || entry.accounts.includes(target.accountId))) return false;
  if (entry.regions && !entry.regions.includes(target.region)) return false;
  if (!globMatches(entry.family, target.family)) return false;
  if (!entry.revisions) return true;
  return entry.revisions.some((item) => {
    const [from, to] = revisionInterval(item) as [number, number];
    return target.revision >= from && target.revision <= to;
  });
}

// A sweep matches thousands of revisions against the same few patterns: compile each once.
const compiledGlobs = new Map<string, RegExp>();

function globMatches(pattern: string, name: string): boolean {
  let regex = compiledGlobs.get(pattern);
  if (!regex) {
    // Family patterns hold only [A-Za-z0-9_-*?]: nothing else needs escaping.
    regex = new RegExp(`^${pattern.replace(/\*/g, '[A-Za-z0-9_-]*').replace(/\?/g, '[A-Za-z0-9_-]')}$`);
    if (compiledGlobs.size > 1000) compiledGlobs.clear();
    compiledGlobs.set(pattern, regex);
  }
  return regex.test(name);
}

/** [from, to] of a revision number or "N-M"; undefined when neither. */
function revisionInterval(item: unknown): [number, number] | undefined {
  if (typeof item === 'number') return Number.isSafeInteger(item) && item >= 1 ? [item, item] : undefined;
  if (typeof item !== 'string') return undefined;
  const range = RANGE.exec(item);
  if (!range) return undefined;
  const from = Number(range[1]);
  const to = Number(range[2]);
  return from <= to ? [from, to] : undefined;
}

/** Can some revision match both entries? */
export function scopesOverlap(a: ExceptionEntry, b: ExceptionEntry): boolean {
  const accounts = a.accounts[0] === '*' || b.accounts[0] === '*' || a.accounts.some((x) => b.accounts.includes(x));
  const regions = !a.regions || !b.regions || a.regions.some((x) => b.regions?.includes(x));
  const revisions =
    !a.revisions ||
    !b.revisions ||
    a.revisions.some((x) => {
      const [aFrom, aTo] = revisionInterval(x) as [number, number];
      return (b.revisions ?? []).some((y) => {
        const [bFrom, bTo] = revisionInterval(y) as [number, number];
        return aFrom <= bTo && bFrom <= aTo;
      });
    });
  return accounts && regions && revisions && globsIntersect(a.family, b.family);
}

/**
 * Whether some name matches both globs. Walks both patterns at once: a `*` either ends (matches
 * nothing more) or absorbs the other pattern's next symbol. Memoised, so O(|p| * |q|).
 */
export function globsIntersect(p: string, q: string): boolean {
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length && j === q.length) result = true;
    else if (p[i] === '*') result = walk(i + 1, j) || (j < q.length && walk(i, j + 1));
    else if (q[j] === '*') result = walk(i, j + 1) || (i < p.length && walk(i + 1, j));
    else if (i < p.length && j < q.length) result = (p[i] === q[j] || p[i] === '?' || q[j] === '?') && walk(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}

// ---------------------------------------------------------------------------------------------
// Expiry and what the rule reports

export const EXCEPTION_OUTCOME = {
  /** No entry applies (no match, or the revision is not host-mode or not in use). */
  none: 'none',
  excepted: 'excepted',
  /** Excepted, within warnDays of the expiry date. */
  expiring: 'expiring',
  expired: 'expired',
} as const;
export type ExceptionOutcome = (typeof EXCEPTION_OUTCOME)[keyof typeof EXCEPTION_OUTCOME];

export interface ExpiryOptions {
  readonly now: Date;
  /** Default EXCEPTION_DEFAULTS.warnDays. */
  readonly warnDays?: number;
}

export interface ExpiryState {
  readonly state: 'valid' | 'expiring' | 'expired';
  /** Whole days from today (UTC) to the expiry date: 0 on the last valid day, negative once expired. */
  readonly daysLeft: number;
}

export function expiryState(entry: Pick<ExceptionEntry, 'expires'>, options: ExpiryOptions): ExpiryState {
  const daysLeft = (parseDay(entry.expires) as number) - dayNumber(options.now);
  const warnDays = options.warnDays ?? EXCEPTION_DEFAULTS.warnDays;
  return { state: daysLeft < 0 ? 'expired' : daysLeft <= warnDays ? 'expiring' : 'valid', daysLeft };
}

export interface RevisionState {
  readonly pidMode: PidMode;
  readonly inUse: boolean;
}

export interface AppliedException {
  readonly verdict: Verdict;
  readonly outcome: ExceptionOutcome;
  /** The entry that applied (set unless outcome is 'none'). */
  readonly exceptionId?: string;
}

/**
 * Turns the rule's verdict into the reported one. An exception only ever speaks for an in-use
 * host-mode revision: anything else keeps its verdict, whatever the document says.
 * - valid:    NOT_APPLICABLE, `exception EX-12 (owner@example.com) until 2027-03-31: <reason>`
 * - expiring: NOT_APPLICABLE, `exception EX-12 (owner@example.com) until 2027-03-31, expires in 5 days: <reason>`
 * - expired:  NON_COMPLIANT,  `exception EX-12 expired on 2026-10-01 (owner@example.com); <the rule's own annotation>`
 */
export function applyException(
  verdict: Verdict,
  revision: RevisionState,
  match: ExceptionEntry | undefined,
  options: ExpiryOptions,
): AppliedException {
  if (!match || revision.pidMode !== 'host' || !revision.inUse) return { verdict, outcome: EXCEPTION_OUTCOME.none };
  const { state, daysLeft } = expiryState(match, options);
  if (state === 'expired') {
    return {
      verdict: {
        complianceType: COMPLIANCE.NON_COMPLIANT,
        annotation: fitAnnotation(`exception ${match.id} expired on ${match.expires} (${match.owner}); ${verdict.annotation}`),
      },
      outcome: EXCEPTION_OUTCOME.expired,
      exceptionId: match.id,
    };
  }
  const soon = state === 'expiring' ? `, expires ${daysLeft === 0 ? 'today' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`}` : '';
  return {
    verdict: {
      complianceType: COMPLIANCE.NOT_APPLICABLE,
      annotation: fitAnnotation(`exception ${match.id} (${match.owner}) until ${match.expires}${soon}: ${match.reason}`),
    },
    outcome: state === 'expiring' ? EXCEPTION_OUTCOME.expiring : EXCEPTION_OUTCOME.excepted,
    exceptionId: match.id,
  };
}

export interface ExceptionScope {
  readonly document: ExceptionsDocument;
  /** The evaluated account and Region (the event's, not the function's). */
  readonly accountId: string;
  readonly region: string;
  readonly now: Date;
  readonly warnDays?: number;
}

/**
 * matchException and applyException for one revision: what the orchestration calls after decide().
 * `scope` undefined (no ExceptionsS3Uri) leaves every verdict as it is.
 */
export function exceptVerdict(
  verdict: Verdict,
  revision: RevisionState & { readonly taskDefinitionArn: string },
  scope: ExceptionScope | undefined,
): AppliedException {
  if (!scope || revision.pidMode !== 'host' || !revision.inUse) return { verdict, outcome: EXCEPTION_OUTCOME.none };
  const match = matchException(scope.document, { accountId: scope.accountId, region: scope.region, taskDefinitionArn: revision.taskDefinitionArn });
  return applyException(verdict, revision, match, { now: scope.now, ...(scope.warnDays !== undefined ? { warnDays: scope.warnDays } : {}) });
}

/** The issue's metrics for one run. Revisions are counted for what they cost; exceptions once each, however many revisions they match. */
export interface ExceptionMetrics {
  /** In-use host-mode revisions reported NOT_APPLICABLE by an exception (expiring ones included). */
  readonly ExceptedRevisionsInUse: number;
  /** Distinct exceptions within the warning window that match an in-use host-mode revision. */
  readonly ExceptionsExpiringSoon: number;
  /** Distinct expired exceptions that match an in-use host-mode revision (reported NON_COMPLIANT). */
  readonly ExceptionsExpired: number;
}

export function exceptionMetrics(applied: readonly AppliedException[]): ExceptionMetrics {
  const distinct = (outcome: ExceptionOutcome) => new Set(applied.filter((a) => a.outcome === outcome).map((a) => a.exceptionId)).size;
  return {
    ExceptedRevisionsInUse: applied.filter((a) => a.outcome === EXCEPTION_OUTCOME.excepted || a.outcome === EXCEPTION_OUTCOME.expiring).length,
    ExceptionsExpiringSoon: distinct(EXCEPTION_OUTCOME.expiring),
    ExceptionsExpired: distinct(EXCEPTION_OUTCOME.expired),
  };
}

// ---------------------------------------------------------------------------------------------
// Review: what the security team looks at

export interface InUseRevision {
  readonly taskDefinitionArn: string;
  /** When known: an entry matching only revisions that are no longer host-mode is stale too. */
  readonly pidMode?: PidMode;
}

/**
 * Entries that match no in-use host-mode revision (account and Region are read from each ARN).
 * Revisions whose pidMode is unknown count as host-mode, so that an entry is called stale only
 * when nothing it could be protecting runs.
 */
export function staleExceptions(doc: ExceptionsDocument, inUse: readonly InUseRevision[]): ExceptionEntry[] {
  const targets: MatchTarget[] = [];
  for (const revision of inUse) {
    if (revision.pidMode !== undefined && revision.pidMode !== 'host') continue;
    // arn:<partition>:ecs:<region>:<account>:task-definition/...
    const [, , , region = '', accountId = ''] = revision.taskDefinitionArn.split(':');
    const target = matchTarget({ accountId, region, taskDefinitionArn: revision.taskDefinitionArn });
    if (target) targets.push(target);
  }
  return doc.exceptions.filter((entry) => !targets.some((target) => entryCovers(entry, target)));
}

/** The document as published: entries sorted by id, keys in a fixed order, one trailing newline. */
export function canonicalExceptionsJson(doc: ExceptionsDocument, sourceSha256?: string): string {
  const sha = sourceSha256 ?? doc.sourceSha256;
  const sorted = [...doc.exceptions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `${JSON.stringify({ version: EXCEPTIONS_DOCUMENT_VERSION, ...(sha ? { sourceSha256: sha } : {}), exceptions: sorted }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------

/** Days since the epoch of a YYYY-MM-DD calendar date; undefined when it is not a real date. */
function parseDay(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March: a real date survives the round trip.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/** Today's day number in UTC. */
function dayNumber(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasDuplicates(items: readonly unknown[]): boolean {
  return new Set(items).size !== items.length;
}
