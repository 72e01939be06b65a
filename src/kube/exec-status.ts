/**
 * The exec subresource ends a command with a metav1.Status on channel 3. Success means exit code 0; a non-zero exit
 * is `Failure` with reason `NonZeroExitCode` and the code as the message of the cause whose `reason` is `ExitCode`
 * (Go's StatusCause.Type is serialised as `reason`); any other Failure means the command did not run to an exit
 * (container not found, runtime error…).
 */
export interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

export type ExecOutcome = { kind: 'exited'; exitCode: number } | { kind: 'failed'; message: string };

export function execOutcome(status: ExecStatus): ExecOutcome {
  if (status.status === 'Success') return { kind: 'exited', exitCode: 0 };
  if (status.status === 'Failure' && status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = cause?.message !== undefined && /^\d+$/.test(cause.message) ? Number(cause.message) : Number.NaN;
    if (Number.isInteger(code)) return { kind: 'exited', exitCode: code };
    return { kind: 'failed', message: `non-zero exit without a readable exit code: ${JSON.stringify(status)}` };
  }
  return {
    kind: 'failed',
    message: status.message ?? `${status.status ?? 'unknown status'}${status.reason ? ` (${status.reason})` : ''}`,
  };
}
