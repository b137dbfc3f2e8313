export { newConnection, writeConnectionFile } from './connection-file.js';
export { KernelClient, type KernelMessage } from './kernel-client.js';
export { findKernelSpec, jupyterDataPath, listKernelSpecs, type KernelSpec } from './kernelspec.js';
export { KernelDiedError } from './kernel-died-error.js';
export { RemoteKernel, type LaunchOptions } from './remote-kernel.js';
