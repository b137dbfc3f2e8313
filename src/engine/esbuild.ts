// Order matters: the signal set-up must run before esbuild's module reads its environment.
import './esbuild-signals.js';

export { transformSync, type TransformFailure } from 'esbuild';
