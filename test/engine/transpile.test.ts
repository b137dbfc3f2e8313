import { describe, expect, it } from 'vitest';
import { CellSyntaxError, transpile } from '../../src/engine/transpile.js';

describe('transpile', () => {
  it('runs plain JavaScript as written, without a source map to follow', () => {
    const out = transpile('const total = await fetchTotal();\ntotal * 2', 'cell[1]');
    expect(out.js).toBe('const total = await fetchTotal();\ntotal * 2');
    expect(out.map).toBeUndefined();
    expect(out.program?.body).toHaveLength(2);
  });

  it('strips types with esbuild and maps back to the cell', () => {
    const out = transpile('const n: number = 1\nn', 'cell[2]');
    expect(out.js).not.toContain(': number');
    expect(JSON.parse(out.map!).sources).toEqual(['cell[2]']);
  });

  it("reads '<' the TypeScript way: a generic call is not two comparisons", () => {
    const out = transpile('identity<number>(4)', 'cell[3]');
    expect(out.js.trim()).toBe('__dk_value = identity(4);');
  });

  it('marks a last expression so that esbuild keeps it after folding it to a constant', () => {
    expect(transpile("const a: string = 'x'\n'a' + 'b'", 'cell[5]').js).toContain('__dk_value = "ab"');
    expect(transpile('type T = 1\nvoid 0', 'cell[6]').js.trim()).toBe('__dk_value = void 0;');
  });

  it('reports TypeScript syntax errors with the line as written', () => {
    expect(() => transpile('const a = 1\nconst b = ;', 'cell[4]')).toThrow(CellSyntaxError);
    try {
      transpile('const a = 1\nconst b = ;', 'cell[4]');
    } catch (error) {
      expect((error as CellSyntaxError).line).toBe(2);
      expect((error as CellSyntaxError).lineText).toBe('const b = ;');
    }
  });
});
