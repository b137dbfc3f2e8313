import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { collectParameters, injectParameters, parametersSource, parseParameterValue, type Notebook } from '../../src/runner/index.js';

const notebook = (tagged: boolean): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'markdown', id: 'a', metadata: {}, source: '# t' },
    { cell_type: 'code', id: 'b', metadata: tagged ? { tags: ['parameters'] } : {}, source: 'const n = 1;', execution_count: null, outputs: [] },
    { cell_type: 'code', id: 'c', metadata: {}, source: 'n', execution_count: null, outputs: [] },
  ],
});

describe('parameter values', () => {
  it('types -p values like papermill, plus JSON', () => {
    expect(parseParameterValue('42')).toBe(42);
    expect(parseParameterValue('-1.5e3')).toBe(-1500);
    expect(parseParameterValue('true')).toBe(true);
    expect(parseParameterValue('False')).toBe(false);
    expect(parseParameterValue('None')).toBe(null);
    expect(parseParameterValue('null')).toBe(null);
    expect(parseParameterValue('[1, "a", null]')).toEqual([1, 'a', null]);
    expect(parseParameterValue('{"a": {"b": [true]}}')).toEqual({ a: { b: [true] } });
    expect(parseParameterValue('"42"')).toBe('42');
    expect(parseParameterValue('hello world')).toBe('hello world');
    expect(parseParameterValue('[draft] notes')).toBe('[draft] notes');
    expect(parseParameterValue('1.2.3')).toBe('1.2.3');
    expect(parseParameterValue('')).toBe('');
  });

  it('merges files, YAML strings, raw and typed values in papermill order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-params-'));
    const file = join(dir, 'params.yaml');
    writeFileSync(file, 'rate: 0.5\nregions: [eu, us]\nlimits:\n  max: 10\n  strict: true\nname: from-file\n');
    const merged = collectParameters({ files: [file], yaml: ['name: from-yaml'], raw: [['id', '007']], typed: [['count', '3'], ['name', 'typed']] });
    expect(merged).toEqual({ rate: 0.5, regions: ['eu', 'us'], limits: { max: 10, strict: true }, name: 'typed', id: '007', count: 3 });
  });

  it('rejects a parameters file that is not a mapping, and a bad name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-params-'));
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    expect(() => collectParameters({ files: [join(dir, 'list.yaml')] })).toThrow(/not a mapping/);
    expect(() => collectParameters({ files: [join(dir, 'missing.yaml')] })).toThrow(DataKernelError);
    expect(() => parametersSource({ 'bad-name': 1 }, 'typescript')).toThrow(/not a valid parameter name/);
    expect(() => parametersSource({ a: 1 }, 'r')).toThrow(/Cannot write parameters for a r kernel/);
  });
});

describe('injected parameters cell', () => {
  it('writes TypeScript and Python', () => {
    const values = { n: 2, flag: false, none: null, name: 'it\'s "x"', list: [1, 'a'], obj: { k: true } };
    expect(parametersSource(values, 'typescript')).toBe(
      ['// Parameters', 'const n = 2;', 'const flag = false;', 'const none = null;', 'const name = "it\'s \\"x\\"";', 'const list = [1,"a"];', 'const obj = {"k":true};'].join('\n'),
    );
    expect(parametersSource(values, 'python')).toBe(
      ['# Parameters', 'n = 2', 'flag = False', 'none = None', 'name = "it\'s \\"x\\""', 'list = [1, "a"]', 'obj = {"k": True}'].join('\n'),
    );
  });

  it('goes after the cell tagged parameters, replacing an earlier injection', () => {
    const nb = notebook(true);
    expect(injectParameters(nb, 'const n = 5;')).toBeUndefined();
    expect(injectParameters(nb, 'const n = 6;')).toBeUndefined();
    expect(nb.cells.map((c) => c.source)).toEqual(['# t', 'const n = 1;', 'const n = 6;', 'n']);
    expect(nb.cells[2].metadata.tags).toEqual(['injected-parameters']);
    expect(nb.cells[2].id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('goes at the top with a warning when no cell is tagged', () => {
    const nb = notebook(false);
    expect(injectParameters(nb, 'const n = 5;')).toMatch(/no cell tagged "parameters"/);
    expect(nb.cells[0].source).toBe('const n = 5;');
  });
});
