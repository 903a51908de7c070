// Exit codes (sysexits.h where one fits), documented in docs/operations.md and `classpulse --help`.
export const ExitCode = {
  /** Clean stop (signal, `stop` at end of a file source). */
  ok: 0,
  /** Something failed that is not covered below (a generic failure). */
  failure: 1,
  /** Wrong command-line usage. */
  usage: 64,
  /** The configured input (a video file) does not exist or cannot be decoded. */
  noInput: 66,
  /** Internal error: a bug. systemd restarts the daemon. */
  software: 70,
  /** Invalid configuration or model files: restarting will not help (RestartPreventExitStatus). */
  config: 78,
  /** A second SIGINT/SIGTERM forced the exit before the clean stop finished (128 + signal). */
  forcedInt: 130,
  forcedTerm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
