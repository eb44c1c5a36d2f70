import { describe, expect, it } from 'vitest';
import { isDecline, readCompletion, steps } from '../src/lib/reasoning.js';

describe('readCompletion', () => {
  it('splits the steps from the final sentence and marks the answer', () => {
    const text =
      'first, compute 347 + 235. ones: 7 + 5 = 12, carry 1. therefore the answer is 582.';
    expect(readCompletion(text, '582')).toEqual({
      steps: ['first, compute 347 + 235.', 'ones: 7 + 5 = 12, carry 1.'],
      final: { lead: 'therefore the answer is ', answer: '582', tail: '.' },
    });
  });

  it('marks list answers and negative numbers whole', () => {
    const sorted = readCompletion(
      'first, sort them. therefore the answer is 7, 12, 300.',
      '7, 12, 300',
    );
    expect(sorted.final.answer).toBe('7, 12, 300');
    const negative = readCompletion('first, compute 3 - 7 = -4. therefore the answer is -4.', '-4');
    expect(negative.final).toEqual({ lead: 'therefore the answer is ', answer: '-4', tail: '.' });
  });

  it('shows only steps while the answer is unknown (streaming, declines, cut short)', () => {
    expect(readCompletion('first, compute 3 + 4 = 7. therefore the', null)).toEqual({
      steps: ['first, compute 3 + 4 = 7.', 'therefore the'],
      final: null,
    });
  });
});

describe('steps', () => {
  it('keeps a growing last sentence', () => {
    expect(steps('first, a. then b')).toEqual(['first, a.', 'then b']);
    expect(steps('')).toEqual([]);
  });
});

describe('isDecline', () => {
  it('recognises the polite no', () => {
    expect(isDecline('sorry, i can only answer small number questions.', null)).toBe(true);
    expect(isDecline('first, compute 3 + 4 = 7. therefore the answer is 7.', '7')).toBe(false);
    expect(isDecline('first, compute 3 + 4', null)).toBe(false);
  });
});
