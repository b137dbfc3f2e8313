import { describe, expect, it } from 'vitest';
import { TerminalSink, terminalText, type BlockKind, type TerminalView } from '../../repl/terminal-sink.js';

class ScreenView implements TerminalView {
  printed: Array<[BlockKind, string]> = [];
  live = (id: string, text: string | undefined) => {
    if (text === undefined) this.liveBlocks.delete(id);
    else this.liveBlocks.set(id, text);
  };
  liveBlocks = new Map<string, string>();
  print(text: string, kind: BlockKind) {
    this.printed.push([kind, text]);
  }
  async ask(prompt: string) {
    return `answer to ${prompt}`;
  }
}

describe('terminal sink', () => {
  it('prints whole lines of stream text and keeps the rest until the cell ends', () => {
    const view = new ScreenView();
    const sink = new TerminalSink(view, 80);
    sink.stream('stdout', 'one\ntw');
    sink.stream('stdout', 'o\nthr');
    expect(view.printed).toEqual([['stdout', 'one'], ['stdout', 'two']]);
    sink.stream('stderr', 'oops\n');
    expect(view.printed.slice(2)).toEqual([['stdout', 'thr'], ['stderr', 'oops']]);
  });

  it('redraws displays that have an id in place and prints their final state at the end', () => {
    const view = new ScreenView();
    const sink = new TerminalSink(view, 80);
    sink.display({ 'text/plain': '10%' }, { displayId: 'p' });
    sink.display({ 'text/plain': '100%' }, { displayId: 'p', update: true });
    expect(view.liveBlocks.get('p')).toBe('100%');
    expect(view.printed).toEqual([]);
    sink.finish();
    expect(view.liveBlocks.size).toBe(0);
    expect(view.printed).toEqual([['display', '100%']]);
  });

  it('shows text renderings, and names the outputs a terminal cannot draw', () => {
    expect(terminalText({ 'text/html': '<b>x</b>', 'text/plain': 'x' })).toBe('x');
    expect(terminalText({ 'text/markdown': '# Title' })).toBe('# Title');
    expect(terminalText({ 'image/png': 'AAAA' })).toContain('image/png');
  });
});
