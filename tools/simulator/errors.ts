/** An AWS error as the simulator answers it; each protocol renders it in its own format. */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
  }
}

export const validationError = (message: string): AwsError => new AwsError('ValidationException', message);
