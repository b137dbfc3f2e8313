export { Frame, GroupedFrame, type AggSpec, type JoinHow } from './frame.js';
export { frame } from './from-source.js';
