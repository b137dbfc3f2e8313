import type { Key } from 'ink';
import {
  deleteBackward,
  deleteForward,
  deleteWordBackward,
  insertTyped,
  killToLineEnd,
  killToLineStart,
  lineEnd,
  lineStart,
  moveTo,
  type EditBuffer,
  wordLeft,
  wordRight,
} from './line-editor.js';

/** What a key press at the prompt asks the REPL to do, beyond editing the buffer. */
export type PromptAction =
  | { type: 'edit'; buffer: EditBuffer }
  | { type: 'submit' }
  | { type: 'newline' }
  | { type: 'complete' }
  | { type: 'history'; direction: -1 | 1 }
  | { type: 'search' }
  | { type: 'cancel' }
  | { type: 'exit' }
  | { type: 'clear-screen' }
  | { type: 'none' };

/**
 * Maps a key to an editing action (readline's bindings). Backspace arrives as "delete" from most terminals
 * (DEL, 0x7f), so both erase backwards; Ctrl-D erases forwards on a non-empty line and quits on an empty one.
 */
export function promptAction(buffer: EditBuffer, input: string, key: Key): PromptAction {
  const edit = (next: EditBuffer): PromptAction => ({ type: 'edit', buffer: next });
  if (key.return) return key.meta ? { type: 'newline' } : { type: 'submit' };
  if (key.tab) return { type: 'complete' };
  if (key.upArrow) return { type: 'history', direction: -1 };
  if (key.downArrow) return { type: 'history', direction: 1 };
  if (key.leftArrow) return edit(key.ctrl || key.meta ? wordLeft(buffer) : moveTo(buffer, buffer.cursor - 1));
  if (key.rightArrow) return edit(key.ctrl || key.meta ? wordRight(buffer) : moveTo(buffer, buffer.cursor + 1));
  if (key.home) return edit(lineStart(buffer));
  if (key.end) return edit(lineEnd(buffer));
  if (key.backspace || key.delete) return edit(key.meta ? deleteWordBackward(buffer) : deleteBackward(buffer));
  if (key.ctrl) {
    switch (input) {
      case 'c':
        return { type: 'cancel' };
      case 'd':
        return buffer.text ? edit(deleteForward(buffer)) : { type: 'exit' };
      case 'a':
        return edit(lineStart(buffer));
      case 'e':
        return edit(lineEnd(buffer));
      case 'b':
        return edit(moveTo(buffer, buffer.cursor - 1));
      case 'f':
        return edit(moveTo(buffer, buffer.cursor + 1));
      case 'u':
        return edit(killToLineStart(buffer));
      case 'k':
        return edit(killToLineEnd(buffer));
      case 'w':
        return edit(deleteWordBackward(buffer));
      case 'r':
        return { type: 'search' };
      case 'l':
        return { type: 'clear-screen' };
      case 'p':
        return { type: 'history', direction: -1 };
      case 'n':
        return { type: 'history', direction: 1 };
      default:
        return { type: 'none' };
    }
  }
  if (key.escape || !input) return { type: 'none' };
  // A paste arrives as one chunk; terminals send CR for line breaks.
  return edit(insertTyped(buffer, input.replace(/\r\n?/g, '\n')));
}
