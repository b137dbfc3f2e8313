/**
 * Where a TypeScript cell's last statement is an expression, without parsing TypeScript: a scan for the
 * top-level statement boundaries (`;`, and line ends where JavaScript inserts a semicolon), skipping strings,
 * templates, comments and regular expressions. esbuild folds and then drops a side-effect-free last expression
 * (`'a' + 'b'`, `-1`, `void 0`), so the engine marks it to keep it; a wrong guess makes the marked cell fail to
 * compile, and the cell is then compiled unmarked.
 */
export interface LastExpression {
  /** Offset where the expression starts. */
  start: number;
  /** Offset just after its last character (before a trailing `;` or comment). */
  end: number;
}

// A line break after one of these words continues the statement (`await\nf()`).
const CONTINUING_WORDS = new Set(['await', 'yield', 'return', 'throw', 'typeof', 'void', 'delete', 'new', 'in', 'of', 'instanceof', 'extends', 'case', 'else', 'do', 'export', 'default', 'keyof', 'as', 'satisfies', 'is']);
// A parenthesised head after these is followed by the statement's body, on the next line or not (`if (a)\n  b`).
const HEAD_WORDS = new Set(['if', 'for', 'while', 'with']);
// A statement starting with one of these is not an expression.
const STATEMENT_START = /^(?:const|let|var|function|class|interface|type|enum|import|export|declare|namespace|module|abstract|if|for|while|do|switch|try|return|throw|break|continue|debugger|async\s+function|using)\b/;
// What an expression statement after a line break may start with, where the break ends the statement before
// it: not `(`, `[`, a template or an operator, which continue the previous line.
const AFTER_LINE_BREAK = /^(?:[\p{ID_Start}$_'"\d!~@]|\+\+|--)/u;
// What an expression statement after `;` may start with (not `{`, a block).
const AFTER_SEMICOLON = /^(?:[\p{ID_Start}$_'"\d!~@(\[`/+\-<]|\.\d)/u;
const WORD_CHAR = /[\p{ID_Continue}$]/u;
// After these, a `/` starts a regular expression rather than dividing.
const BEFORE_REGEX = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

/** The cell's last statement when it looks like an expression, else undefined. */
export function lastExpression(source: string): LastExpression | undefined {
  const boundaries: Array<{ at: number; after: 'semicolon' | 'line' }> = [];
  let depth = 0;
  let last = ''; // the last significant character
  let lastEnd = 0; // offset after it
  let word = ''; // the word that ended at lastEnd, if any
  let previousWord = ''; // the word before it (`for await (`)
  const heads: number[] = []; // depths of the open parentheses of if/for/while/with heads
  let afterHead = false; // the last significant character closed such a head
  let i = 0;
  const n = source.length;
  const skipString = (quote: string) => {
    for (i++; i < n && source[i] !== quote; i++) {
      if (source[i] === '\\') i++;
      else if (source[i] === '\n') return;
    }
    i++;
  };
  const skipTemplate = () => {
    for (i++; i < n && source[i] !== '`'; i++) {
      if (source[i] === '\\') i++;
      else if (source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        let braces = 1;
        while (i < n && braces > 0) {
          const ch = source[i];
          if (ch === '{') braces++;
          else if (ch === '}') braces--;
          if (braces === 0) break;
          if (ch === '"' || ch === "'") skipString(ch);
          else if (ch === '`') skipTemplate();
          else i++;
        }
      }
    }
    i++;
  };
  while (i < n) {
    const ch = source[i];
    if (ch === '\n') {
      if (depth === 0 && last && last !== ';' && !afterHead && /[\p{ID_Continue}$'"`)\]}]/u.test(last) && !CONTINUING_WORDS.has(word)) boundaries.push({ at: i + 1, after: 'line' });
      i++;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    const start = i;
    if (ch === '"' || ch === "'") skipString(ch);
    else if (ch === '`') skipTemplate();
    else if (ch === '/' && (BEFORE_REGEX.has(last) || CONTINUING_WORDS.has(word))) {
      let inClass = false;
      for (i++; i < n && source[i] !== '\n'; i++) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        else if (source[i] === '/' && !inClass) break;
      }
      i++;
      while (i < n && WORD_CHAR.test(source[i])) i++;
    } else if (WORD_CHAR.test(ch)) {
      while (i < n && WORD_CHAR.test(source[i])) i++;
      previousWord = word;
      word = source.slice(start, i);
      last = source[i - 1];
      lastEnd = i;
      afterHead = false;
      continue;
    } else {
      let closedHead = false;
      if (ch === '(' && (HEAD_WORDS.has(word) || (word === 'await' && previousWord === 'for'))) heads.push(depth);
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) {
        depth = Math.max(0, depth - 1);
        closedHead = ch === ')' && heads.at(-1) === depth;
        if (closedHead) heads.pop();
      }
      i++;
      if (ch === ';' && depth === 0) boundaries.push({ at: i, after: 'semicolon' });
      afterHead = closedHead;
      previousWord = '';
      word = '';
      last = source[Math.min(i, n) - 1] ?? '';
      lastEnd = Math.min(i, n);
      continue;
    }
    afterHead = false;
    previousWord = '';
    word = '';
    last = source[Math.min(i, n) - 1] ?? '';
    lastEnd = Math.min(i, n);
  }
  if (depth !== 0) return undefined;
  const statementEnd = last === ';' ? lastSignificantBefore(source, lastEnd - 1) : lastEnd;
  for (let b = boundaries.length - 1; b >= -1; b--) {
    const boundary = b >= 0 ? boundaries[b] : { at: 0, after: 'semicolon' as const };
    if (boundary.at >= statementEnd) continue;
    const start = skipSpaceAndComments(source, boundary.at);
    if (start >= statementEnd) continue;
    const text = source.slice(start, statementEnd);
    // A line break the statement continues across (`x\n  .y()`): look further back.
    if (boundary.after === 'line' && !AFTER_LINE_BREAK.test(text)) continue;
    if (!AFTER_SEMICOLON.test(text) || STATEMENT_START.test(text)) return undefined;
    return { start, end: statementEnd };
  }
  return undefined;
}

/** Offset just after the last character before `at` that is not space (comments inside are not expected here). */
function lastSignificantBefore(source: string, at: number): number {
  let end = at;
  while (end > 0 && /\s/.test(source[end - 1])) end--;
  return end;
}

function skipSpaceAndComments(source: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++;
    if (source.startsWith('//', i)) {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? source.length : eol;
    } else if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? source.length : close + 2;
    } else return i;
  }
}
