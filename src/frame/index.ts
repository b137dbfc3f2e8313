export { Frame, GroupedFrame, type AggSpec, type JoinHow } from './frame.js';
