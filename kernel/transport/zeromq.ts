import { createRequire } from 'node:module';

/**
 * zeromq loaded with require: it is CommonJS, and importing it from ESM first runs Node's CommonJS export
 * scanner over it, a sixth of the kernel's start-up CPU in a profile (import 123 ms vs require 106 ms of CPU,
 * node alone 80, on a loaded machine).
 */
export const zeromq = createRequire(import.meta.url)('zeromq') as typeof import('zeromq');
