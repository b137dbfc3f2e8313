/** The text being edited at the prompt and where the cursor is (a UTF-16 offset into `text`). */
export interface EditBuffer {
  readonly text: string;
  readonly cursor: number;
}

export const emptyBuffer: EditBuffer = { text: '', cursor: 0 };

const clampCursor = (text: string, cursor: number) => Math.max(0, Math.min(text.length, cursor));

export const bufferOf = (text: string, cursor = text.length): EditBuffer => ({ text, cursor: clampCursor(text, cursor) });

export function insert(buffer: EditBuffer, typed: string): EditBuffer {
  const { text, cursor } = buffer;
  return { text: text.slice(0, cursor) + typed + text.slice(cursor), cursor: cursor + typed.length };
}

/** Typing a closing bracket first on a line takes it back one indentation level, as editors do. */
export function insertTyped(buffer: EditBuffer, typed: string): EditBuffer {
  const lineBefore = buffer.text.slice(lineStartOf(buffer.text, buffer.cursor), buffer.cursor);
  if (/^[}\])]$/.test(typed) && /^ {2,}$/.test(lineBefore)) return insert(replaceRange(buffer, buffer.cursor - 2, buffer.cursor, ''), typed);
  return insert(buffer, typed);
}

/** Replaces text[start, end) with `replacement` (completion), leaving the cursor after it. */
export function replaceRange(buffer: EditBuffer, start: number, end: number, replacement: string): EditBuffer {
  const text = buffer.text.slice(0, start) + replacement + buffer.text.slice(end);
  return { text, cursor: start + replacement.length };
}

export function deleteBackward(buffer: EditBuffer): EditBuffer {
  if (buffer.cursor === 0) return buffer;
  return replaceRange(buffer, buffer.cursor - 1, buffer.cursor, '');
}

export function deleteForward(buffer: EditBuffer): EditBuffer {
  if (buffer.cursor >= buffer.text.length) return buffer;
  return { text: buffer.text.slice(0, buffer.cursor) + buffer.text.slice(buffer.cursor + 1), cursor: buffer.cursor };
}

export const moveTo = (buffer: EditBuffer, cursor: number): EditBuffer => ({ ...buffer, cursor: clampCursor(buffer.text, cursor) });

const lineStartOf = (text: string, cursor: number) => text.lastIndexOf('\n', cursor - 1) + 1;
const lineEndOf = (text: string, cursor: number) => {
  const end = text.indexOf('\n', cursor);
  return end < 0 ? text.length : end;
};

export const lineStart = (b: EditBuffer) => moveTo(b, lineStartOf(b.text, b.cursor));
export const lineEnd = (b: EditBuffer) => moveTo(b, lineEndOf(b.text, b.cursor));

/** Ctrl-U: deletes from the start of the line to the cursor. */
export const killToLineStart = (b: EditBuffer) => replaceRange(b, lineStartOf(b.text, b.cursor), b.cursor, '');
/** Ctrl-K: deletes from the cursor to the end of the line. */
export const killToLineEnd = (b: EditBuffer) => ({ text: b.text.slice(0, b.cursor) + b.text.slice(lineEndOf(b.text, b.cursor)), cursor: b.cursor });

/** Ctrl-W: deletes the word before the cursor (and the spaces after it). */
export function deleteWordBackward(b: EditBuffer): EditBuffer {
  const before = b.text.slice(0, b.cursor);
  const start = before.search(/[\w$]*\s*$/);
  const from = start === b.cursor && b.cursor > 0 ? b.cursor - 1 : start;
  return replaceRange(b, from, b.cursor, '');
}

export function wordLeft(b: EditBuffer): EditBuffer {
  const match = /[\w$]+\W*$/.exec(b.text.slice(0, b.cursor));
  return moveTo(b, match ? match.index : Math.max(0, b.cursor - 1));
}

export function wordRight(b: EditBuffer): EditBuffer {
  const match = /^\W*[\w$]+/.exec(b.text.slice(b.cursor));
  return moveTo(b, b.cursor + (match ? match[0].length : 1));
}

/** Moves one line up or down keeping the column; undefined when there is no such line (history takes over). */
export function verticalMove(b: EditBuffer, direction: -1 | 1): EditBuffer | undefined {
  const start = lineStartOf(b.text, b.cursor);
  const column = b.cursor - start;
  if (direction < 0) {
    if (start === 0) return undefined;
    const previousStart = lineStartOf(b.text, start - 1);
    return moveTo(b, Math.min(previousStart + column, start - 1));
  }
  const end = lineEndOf(b.text, b.cursor);
  if (end >= b.text.length) return undefined;
  const nextEnd = lineEndOf(b.text, end + 1);
  return moveTo(b, Math.min(end + 1 + column, nextEnd));
}

/** Row and column of the cursor, for drawing it. */
export function cursorPosition(b: EditBuffer): { row: number; column: number } {
  const before = b.text.slice(0, b.cursor).split('\n');
  return { row: before.length - 1, column: before.at(-1)!.length };
}
