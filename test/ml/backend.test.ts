import { describe, expect, it } from 'vitest';
import { backendName, tensorflow, withKernelFallback } from '../../src/ml/backend.js';

describe('backend', () => {
  it('picks wasm when tfjs-node is absent, and never silently the plain cpu backend', async () => {
    const tf = await tensorflow();
    expect(['tensorflow', 'wasm']).toContain(await backendName());
    expect(tf.findBackendFactory('tensorflow') ? 'tensorflow' : 'wasm').toBe(await backendName());
  });

  it('runs again on cpu when the backend lacks a kernel, then restores the backend', async () => {
    const preferred = await backendName();
    const seen: string[] = [];
    const result = await withKernelFallback(async (backend) => {
      seen.push(backend);
      if (backend !== 'cpu') throw new Error(`Kernel 'FusedConv2DBackprop' not registered for backend '${backend}'`);
      return 'trained';
    });
    expect(result).toBe('trained');
    expect(seen).toEqual([preferred, 'cpu']);
    expect(await backendName()).toBe(preferred);
  });

  it('does not hide other errors', async () => {
    await expect(withKernelFallback(async () => Promise.reject(new Error('out of memory')))).rejects.toThrow('out of memory');
  });
});
