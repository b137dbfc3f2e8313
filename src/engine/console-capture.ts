import { currentOutput } from '../display/output.js';

type Write = typeof process.stdout.write;
let installed = false;
let forwarding = false;

function route(name: 'stdout' | 'stderr', original: Write): Write {
  return function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const sink = currentOutput();
    if (!sink || forwarding) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    // A sink that itself writes to the terminal (the REPL) must reach the real stream, not come back here.
    forwarding = true;
    try {
      sink.stream(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    } finally {
      forwarding = false;
    }
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  } as Write;
}

/**
 * Sends writes to process.stdout/stderr (console.log, libraries printing) to the output of the cell that
 * caused them, including from timers and promises that cell started (AsyncLocalStorage); writes made
 * outside any cell go to the real streams.
 */
export function captureConsole(): void {
  if (installed) return;
  installed = true;
  process.stdout.write = route('stdout', process.stdout.write);
  process.stderr.write = route('stderr', process.stderr.write);
}
