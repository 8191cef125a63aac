import { AwsError } from './errors';

/**
 * Reading JSON request members. A member of the wrong JSON type is a SerializationException,
 * as the AWS JSON services answer; range checks stay with each operation, which knows its error code.
 */
export type JsonInput = Record<string, unknown>;

const serialization = (name: string, expected: string): AwsError =>
  new AwsError('SerializationException', `Expected ${expected} for ${name}`);

export const optString = (input: JsonInput, name: string): string | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(name, 'a string');
  return value;
};

export const optInteger = (input: JsonInput, name: string): number | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(name, 'an integer');
  return value;
};

export const optBoolean = (input: JsonInput, name: string): boolean | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serialization(name, 'a boolean');
  return value;
};

/** Timestamps arrive as epoch seconds (possibly fractional); ISO strings are tolerated. */
export const optTimestamp = (input: JsonInput, name: string): number | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value) / 1000;
  throw serialization(name, 'a timestamp');
};

export const optStringList = (input: JsonInput, name: string): string[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(name, 'a list of strings');
  return value as string[];
};

export const optObjectList = (input: JsonInput, name: string): JsonInput[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw serialization(name, 'a list of structures');
  }
  return value as JsonInput[];
};
