import { Box, Static, Text, useApp, useInput, type Key } from 'ink';
import { useReducer, useRef } from 'react';
import { outsideCells } from '../src/display/output.js';
import type { Interpreter } from '../src/engine/interpreter.js';
import type { HistoryNavigator } from './history-navigator.js';
import { bufferOf, cursorPosition, emptyBuffer, insert, replaceRange, verticalMove, type EditBuffer } from './line-editor.js';
import { promptAction } from './prompt-keys.js';
import { TerminalSink, terminalText, type BlockKind, type TerminalView } from './terminal-sink.js';

interface Block {
  id: number;
  text: string;
  kind: BlockKind | 'input' | 'info';
}

interface CompletionMenu {
  matches: string[];
  start: number;
  end: number;
  selected: number;
}

interface ReverseSearch {
  query: string;
  match?: { index: number; source: string };
}

interface Question {
  prompt: string;
  password: boolean;
  answer: string;
  resolve(answer: string): void;
}

interface ReplState {
  blocks: Block[];
  live: Map<string, string>;
  buffer: EditBuffer;
  count: number;
  running: boolean;
  menu?: CompletionMenu;
  search?: ReverseSearch;
  question?: Question;
}

export interface ReplAppProps {
  interpreter: Interpreter;
  history: HistoryNavigator;
  /** Stores a submitted input so the next session can recall it. */
  record(source: string, executionCount: number): void;
  columns: number;
}

const MENU_ROWS = 8;
const BLOCK_COLORS: Partial<Record<Block['kind'], string>> = { stderr: 'yellow', error: 'red', info: 'gray' };

const promptFor = (count: number) => `In [${count}]: `;
const continuationFor = (count: number) => `${' '.repeat(promptFor(count).length - 5)}...: `;

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

function InputLines({ buffer, count }: { buffer: EditBuffer; count: number }) {
  const { row, column } = cursorPosition(buffer);
  return (
    <Box flexDirection="column">
      {buffer.text.split('\n').map((line, index) => (
        <Text key={index}>
          <Text color="green">{index === 0 ? promptFor(count) : continuationFor(count)}</Text>
          {index === row ? (
            <>
              {line.slice(0, column)}
              <Text inverse>{line[column] ?? ' '}</Text>
              {line.slice(column + 1)}
            </>
          ) : (
            line
          )}
        </Text>
      ))}
    </Box>
  );
}

function Menu({ menu }: { menu: CompletionMenu }) {
  const first = Math.max(0, Math.min(menu.selected - MENU_ROWS + 1, menu.matches.length - MENU_ROWS));
  const shown = menu.matches.slice(first, first + MENU_ROWS);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="gray">
      {shown.map((match, i) => (
        <Text key={match} inverse={first + i === menu.selected}>
          {match}
        </Text>
      ))}
      {menu.matches.length > MENU_ROWS ? <Text color="gray">{`${menu.matches.length} matches`}</Text> : null}
    </Box>
  );
}

/** The REPL screen: finished output above (printed once), the live part (progress, prompt, menus) below. */
export function ReplApp({ interpreter, history, record, columns }: ReplAppProps) {
  const app = useApp();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const state = useRef<ReplState>({ blocks: [], live: new Map(), buffer: emptyBuffer, count: 0, running: false }).current;
  // Cells call the view from inside their async context; drawing must not be captured as their output.
  const refresh = () => outsideCells(rerender);
  const add = (text: string, kind: Block['kind']) => {
    state.blocks = [...state.blocks, { id: state.blocks.length, text, kind }];
    refresh();
  };

  const view: TerminalView = {
    print: add,
    live: (id, text) => {
      if (text === undefined) state.live.delete(id);
      else state.live.set(id, text);
      refresh();
    },
    ask: (prompt, password) =>
      new Promise((resolve) => {
        state.question = { prompt, password, answer: '', resolve };
        refresh();
      }),
  };

  async function run(code: string) {
    const count = ++state.count;
    state.running = true;
    state.buffer = emptyBuffer;
    state.menu = undefined;
    add(code.split('\n').map((line, i) => (i === 0 ? promptFor(count) : continuationFor(count)) + line).join('\n'), 'input');
    history.push(code);
    record(code, count);
    // Out of raw mode before the cell starts: a busy loop never yields to let the next render do it. The pause
    // lets the echoed input reach the screen first (ink draws at most every ~33 ms).
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const sink = new TerminalSink(view, columns);
    const outcome = await interpreter.execute({ code, executionCount: count }, sink);
    sink.finish();
    if (outcome.status === 'error') add(outcome.error.traceback.join('\n'), 'error');
    else {
      if (outcome.result) {
        const text = terminalText(outcome.result);
        add(`Out[${count}]: ${text.includes('\n') ? '\n' : ''}${text}`, 'result');
      }
      if (outcome.nextInput !== undefined) state.buffer = bufferOf(outcome.nextInput);
    }
    state.running = false;
    refresh();
  }

  /** Enter runs the input once it is complete; inside open brackets it continues on a new, indented line. */
  async function submit() {
    const code = state.buffer.text;
    if (!code.trim()) return;
    if (code.trim() === '.exit') return app.exit();
    // A remote kernel answers is_complete over the wire, so this may be a promise.
    const completeness = await interpreter.isComplete(code);
    if (completeness.status === 'incomplete' && state.buffer.cursor === code.length) {
      state.buffer = insert(state.buffer, `\n${completeness.indent}`);
      refresh();
      return;
    }
    await run(code);
  }

  async function complete() {
    const { text, cursor } = state.buffer;
    const lineBefore = text.slice(text.lastIndexOf('\n', cursor - 1) + 1, cursor);
    if (!lineBefore.trim()) {
      state.buffer = insert(state.buffer, '  ');
      return;
    }
    const found = await interpreter.complete(text, cursor);
    if (!found.matches.length) return;
    if (found.matches.length === 1) {
      state.buffer = replaceRange(state.buffer, found.cursorStart, found.cursorEnd, found.matches[0]);
    } else {
      const prefix = commonPrefix(found.matches);
      state.buffer = replaceRange(state.buffer, found.cursorStart, found.cursorEnd, prefix);
      state.menu = { matches: found.matches, start: found.cursorStart, end: found.cursorStart + prefix.length, selected: -1 };
    }
    refresh();
  }

  /** Tab and the arrows walk the menu, putting the chosen match in place; Enter keeps it; any other key closes it. */
  function menuKey(menu: CompletionMenu, key: Key): boolean {
    const step = key.tab || key.downArrow ? 1 : key.upArrow ? -1 : 0;
    if (step) {
      menu.selected = (menu.selected + step + menu.matches.length) % menu.matches.length;
      state.buffer = replaceRange(state.buffer, menu.start, menu.end, menu.matches[menu.selected]);
      menu.end = menu.start + menu.matches[menu.selected].length;
      return true;
    }
    state.menu = undefined;
    return Boolean(key.return || key.escape);
  }

  function searchKey(search: ReverseSearch, input: string, key: Key): void {
    if (key.ctrl && input === 'r') {
      search.match = history.search(search.query, search.match?.index) ?? search.match;
      return;
    }
    if (key.backspace || key.delete) search.query = search.query.slice(0, -1);
    else if (!key.ctrl && !key.meta && !key.escape && !key.return && input && !/[\u0000-\u001f]/.test(input)) search.query += input;
    else {
      // Enter, Esc, arrows, Ctrl-G: leave the search with the match (Ctrl-G and Esc restore nothing new).
      if (search.match && !key.escape && !(key.ctrl && input === 'g')) state.buffer = bufferOf(search.match.source);
      state.search = undefined;
      return;
    }
    search.match = history.search(search.query);
  }

  function questionKey(question: Question, input: string, key: Key): void {
    if (key.return) {
      state.question = undefined;
      add(`${question.prompt}${question.password ? '' : question.answer}`, 'info');
      question.resolve(question.answer);
    } else if (key.backspace || key.delete) question.answer = question.answer.slice(0, -1);
    else if (!key.ctrl && !key.meta && input) question.answer += input;
  }

  function promptKey(input: string, key: Key): void {
    const action = promptAction(state.buffer, input, key);
    switch (action.type) {
      case 'edit':
        state.buffer = action.buffer;
        return;
      case 'newline':
        state.buffer = insert(state.buffer, '\n');
        return;
      case 'submit':
        void submit();
        return;
      case 'complete':
        void complete();
        return;
      case 'history': {
        const moved = verticalMove(state.buffer, action.direction);
        const recalled = moved ? undefined : action.direction < 0 ? history.previous(state.buffer.text) : history.next();
        if (moved) state.buffer = moved;
        else if (recalled !== undefined) state.buffer = bufferOf(recalled);
        return;
      }
      case 'search':
        state.search = { query: '' };
        return;
      case 'cancel':
        if (state.buffer.text) add(`${promptFor(state.count + 1)}${state.buffer.text}^C`, 'info');
        else add('(Ctrl-D or .exit quits)', 'info');
        state.buffer = emptyBuffer;
        return;
      case 'exit':
        return app.exit();
      case 'clear-screen':
        process.stdout.write('\x1b[2J\x1b[3J\x1b[H');
        return;
      case 'none':
        return;
    }
  }

  // While a cell runs the terminal leaves raw mode, so Ctrl-C becomes SIGINT and interrupts even a busy loop.
  useInput(
    (input, key) => {
      if (state.question) questionKey(state.question, input, key);
      else if (state.search) searchKey(state.search, input, key);
      else if (!(state.menu && menuKey(state.menu, key))) promptKey(input, key);
      refresh();
    },
    { isActive: !state.running || state.question !== undefined },
  );

  const { question, search, menu } = state;
  return (
    <>
      <Static items={state.blocks}>
        {(block) => (
          <Text key={block.id} color={BLOCK_COLORS[block.kind]}>
            {block.text}
          </Text>
        )}
      </Static>
      {[...state.live].map(([id, text]) => (
        <Text key={id}>{text}</Text>
      ))}
      {question ? (
        <Text>
          {question.prompt}
          {question.password ? '•'.repeat(question.answer.length) : question.answer}
          <Text inverse> </Text>
        </Text>
      ) : state.running ? null : search ? (
        <Text>
          <Text color="cyan">{`(reverse-i-search)'${search.query}': `}</Text>
          {search.match?.source.split('\n')[0] ?? ''}
        </Text>
      ) : (
        <>
          <InputLines buffer={state.buffer} count={state.count + 1} />
          {menu ? <Menu menu={menu} /> : null}
        </>
      )}
    </>
  );
}
