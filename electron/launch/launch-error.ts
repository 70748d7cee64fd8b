// A failure `loopgate run` / `loopgate env` explains in one line (exit code 1), or a bad command
// line (exit code 2).
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
