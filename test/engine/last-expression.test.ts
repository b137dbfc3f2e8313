import { describe, expect, it } from 'vitest';
import { lastExpression } from '../../src/engine/last-expression.js';

const last = (source: string) => {
  const found = lastExpression(source);
  return found && source.slice(found.start, found.end);
};

describe('lastExpression', () => {
  it('finds the last statement after a semicolon or a line break', () => {
    expect(last("const x: string = 'a'; 'a' + 'b'")).toBe("'a' + 'b'");
    expect(last("const x: number = 1\n'a' + 'b';  // folded\n")).toBe("'a' + 'b'");
    expect(last('-1')).toBe('-1');
    expect(last('let a: number;\n-1')).toBe('-1');
    expect(last('let a: number\nx\n-1')).toBe('x\n-1'); // no semicolon: x - 1
    expect(last('let a: number;-1')).toBe('-1');
    expect(last('f(); void 0')).toBe('void 0');
  });

  it('keeps a statement that continues across lines whole', () => {
    expect(last('const s: string = "x"\ns\n  .trim()\n  .length')).toBe('s\n  .trim()\n  .length');
    expect(last('const ok: boolean = true\nok\n  ? "yes"\n  : "no"')).toBe('ok\n  ? "yes"\n  : "no"');
    expect(last('const v = [\n  1,\n  2,\n]\nv.length')).toBe('v.length');
    expect(last('const v = await\nfetch(1)')).toBeUndefined();
  });

  it('skips strings, templates, comments and regular expressions', () => {
    expect(last("const a = ';'; `x ${'; \\n'} y`")).toBe("`x ${'; \\n'} y`");
    expect(last('const r = /;\\//g; /* ; */ r.source')).toBe('r.source');
    expect(last("const q = 'it\\'s;'\nq")).toBe('q');
  });

  it('gives nothing for a cell ending in a declaration, a block or an open bracket', () => {
    expect(last('const x: number = 1')).toBeUndefined();
    expect(last('interface A { a: number }')).toBeUndefined();
    expect(last('function f(): void {}\n')).toBeUndefined();
    expect(last('if (x) { y }')).toBeUndefined();
    expect(last('f(')).toBeUndefined();
    expect(last('')).toBeUndefined();
  });

  it('gives nothing for a braceless if/for/while body on its own line (it is the body, not a statement of its own)', () => {
    expect(last('let t: number = 0\nfor (const x of [1, 2])\n  t += x')).toBeUndefined();
    expect(last('let n: number = 0\nwhile (n < 3)\n  n++')).toBeUndefined();
    expect(last('let y: number = 0\nif (f(1))\n  y = 2')).toBeUndefined();
    expect(last('let t: number = 0\nfor await (const x of xs)\n  t += x')).toBeUndefined();
    // The body's end is a boundary as usual, and a call's parentheses are no head.
    expect(last('let t: number = 0\nfor (const x of [1, 2])\n  t += x\nt')).toBe('t');
    expect(last('const a: number = f(1)\na')).toBe('a');
  });
});
