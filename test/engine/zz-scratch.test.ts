import { it } from 'vitest';
import { engineHarness } from './engine-harness.js';
const { run } = engineHarness();
it('scratch', async () => {
  const cells = [
    'let u;\nu', '// only a comment', '', '1 + 2;', 'if (true) { 5 }', "import { type Stats, join } from 'node:path'\ntypeof join",
    "import type { Stats as S2 } from 'node:fs'\n3", 'export default 5', 'class Node2 { static make() { return new Node2() } }\nNode2.make()',
    'const o = { a() { return 1 } }\no.a()', 'hoisted()\nfunction hoisted() { return "h" }', 'let cnt = 0\nfunction inc() { return ++cnt }\ninc()', 'inc()',
    'function* g() { yield 1 }\n[...g()]', 'outer: for (const i of [1, 2]) { for (const j of [1]) { if (i) continue outer } }\n"ok"',
    'for (const v of [1, 2]) console.log(v)', 'const arr = [3, 1, 2].sort()\narr', 'undefinedThing.x', 'x = %who\ntypeof x', '%who',
    'const big = Array.from({length: 200}, (_, i) => i)\nbig', 'async function af() { throw new RangeError("r") }\nawait af()',
    'new Error("shown")', 'Symbol("s")', '10n ** 20n', 'null', '(() => {})', 'this === globalThis', 'const re = /a+/g\nre',
    'const t = `multi\nline`\nt', 'let a1 = 1, b1 = a1 + 1\nb1', 'var vv = 3\nvv', 'var vv\nvv', '%pwd', 'x = 1; y2 = x + 1', 'y2',
    'abstract class Shape { abstract area(): number }\nclass Sq extends Shape { area() { return 4 } }\nnew Sq().area()',
    'const obj2 = { x: 1 } satisfies Record<string, number>\nobj2', 'function over(a: string): string\nfunction over(a: any) { return a }\nover("o")',
    'declare const dd: number\n1', 'namespace NS { export const v = 1 }\nNS.v', 'const dec = <T,>(x: T) => x\ndec(4)',
  ];
  let i = 0;
  for (const code of cells) {
    const { outcome, sink } = await run(code);
    const res = outcome.status === 'ok' ? outcome.result?.['text/plain'] : `ERR ${outcome.error.traceback.join(' / ')}`;
    process.stdout.write(`[${++i}] ${JSON.stringify(code).slice(0, 50)} => ${JSON.stringify(res)?.slice(0, 200)} ${sink.outputs.length ? JSON.stringify(sink.outputs).slice(0, 120) : ''}\n`);
  }
});
