import { describe, expect, it } from 'vitest';
import {
  bufferOf,
  cursorPosition,
  deleteBackward,
  deleteWordBackward,
  insertTyped,
  killToLineEnd,
  killToLineStart,
  lineStart,
  replaceRange,
  verticalMove,
  wordLeft,
  wordRight,
} from '../../repl/line-editor.js';

describe('line editor', () => {
  it('inserts and deletes at the cursor', () => {
    const b = insertTyped(bufferOf('ac', 1), 'b');
    expect(b).toEqual({ text: 'abc', cursor: 2 });
    expect(deleteBackward(b)).toEqual({ text: 'ac', cursor: 1 });
    expect(deleteBackward(bufferOf('x', 0))).toEqual({ text: 'x', cursor: 0 });
  });

  it('dedents a closing bracket typed first on an indented line', () => {
    expect(insertTyped(bufferOf('f() {\n    '), '}').text).toBe('f() {\n  }');
    expect(insertTyped(bufferOf('f() {\n  x'), '}').text).toBe('f() {\n  x}');
  });

  it('moves by words and lines, and kills to either end of the line', () => {
    const b = bufferOf('const total = price * qty', 14);
    expect(wordLeft(b).cursor).toBe(6);
    expect(wordRight(b).cursor).toBe(19);
    expect(deleteWordBackward(bufferOf('a.price', 7)).text).toBe('a.');
    expect(killToLineStart(bufferOf('one\ntwo three', 8)).text).toBe('one\nthree');
    expect(killToLineEnd(bufferOf('one\ntwo three', 7)).text).toBe('one\ntwo');
    expect(lineStart(bufferOf('one\ntwo', 6)).cursor).toBe(4);
  });

  it('moves between lines keeping the column, and hands over to history at the edges', () => {
    const b = bufferOf('first line\nab\nthird', 8);
    expect(verticalMove(b, 1)).toEqual({ text: b.text, cursor: 13 });
    expect(verticalMove(b, -1)).toBeUndefined();
    expect(verticalMove(bufferOf(b.text, 16), -1)).toEqual({ text: b.text, cursor: 13 });
    expect(verticalMove(bufferOf(b.text), 1)).toBeUndefined();
    expect(cursorPosition(bufferOf(b.text, 13))).toEqual({ row: 1, column: 2 });
  });

  it('replaces a completed range and leaves the cursor after it', () => {
    expect(replaceRange(bufferOf('obj.pr + 1', 6), 4, 6, 'price')).toEqual({ text: 'obj.price + 1', cursor: 9 });
  });
});
