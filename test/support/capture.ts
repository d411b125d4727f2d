/**
 * Captures everything written to the console and to process.stdout/stderr while active, so a
 * test can search every log line for secrets. Writes still reach the terminal.
 */
import { format } from 'node:util';

/** An active capture; `stop()` restores the originals. */
export interface OutputCapture {
  /** Everything written so far, one entry per write or console call. */
  lines: string[];
  stop(): void;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Starts capturing. Console calls are recorded as formatted by `util.format`. */
export function captureOutput(options: { quiet?: boolean } = {}): OutputCapture {
  const lines: string[] = [];
  const originalConsole = METHODS.map((m) => [m, console[m]] as const);
  const originalStdout = process.stdout.write;
  const originalStderr = process.stderr.write;

  for (const [method, original] of originalConsole) {
    console[method] = (...args: unknown[]): void => {
      lines.push(format(...args));
      if (!options.quiet) original.apply(console, args);
    };
  }
  const wrap = (stream: NodeJS.WriteStream, original: typeof stream.write): typeof stream.write =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      if (options.quiet) return true;
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof stream.write;
  process.stdout.write = wrap(process.stdout, originalStdout);
  process.stderr.write = wrap(process.stderr, originalStderr);

  return {
    lines,
    stop(): void {
      for (const [method, original] of originalConsole) console[method] = original;
      process.stdout.write = originalStdout;
      process.stderr.write = originalStderr;
    },
  };
}
