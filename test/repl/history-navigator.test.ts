import { describe, expect, it } from 'vitest';
import { HistoryNavigator } from '../../repl/history-navigator.js';

describe('history navigator', () => {
  it('walks back and forth and gives the draft back past the newest entry', () => {
    const nav = new HistoryNavigator(['a = 1', 'b = 2']);
    expect(nav.previous('draft')).toBe('b = 2');
    expect(nav.previous('ignored')).toBe('a = 1');
    expect(nav.previous('ignored')).toBeUndefined();
    expect(nav.next()).toBe('b = 2');
    expect(nav.next()).toBe('draft');
    expect(nav.next()).toBeUndefined();
  });

  it('keeps new inputs once, skipping blanks and immediate repeats', () => {
    const nav = new HistoryNavigator([]);
    nav.push('x');
    nav.push('x');
    nav.push('  ');
    expect(nav.previous('')).toBe('x');
    expect(nav.previous('')).toBeUndefined();
  });

  it('searches backwards and continues past the last match', () => {
    const nav = new HistoryNavigator(['select 1', 'let y', 'select 2']);
    const first = nav.search('select');
    expect(first).toEqual({ index: 2, source: 'select 2' });
    expect(nav.search('select', first!.index)).toEqual({ index: 0, source: 'select 1' });
    expect(nav.search('select', 0)).toBeUndefined();
    expect(nav.search('')).toBeUndefined();
  });
});
