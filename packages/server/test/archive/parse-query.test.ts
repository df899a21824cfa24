import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/archive/queries.js';

describe('archive query parsing', () => {
  it('takes prefix words out of the web-search text', () => {
    expect(parseQuery('secur* "arctic summit" -tariffs')).toEqual({
      web: '"arctic summit" -tariffs',
      prefixes: ['secur'],
      fuzzy: '',
    });
  });
  it('matches names fuzzily unless a word is excluded', () => {
    expect(parseQuery('Sheinbam')).toEqual({ web: 'Sheinbam', prefixes: [], fuzzy: 'Sheinbam' });
    expect(parseQuery('Carny or Macrn')).toEqual({
      web: 'Carny or Macrn',
      prefixes: [],
      fuzzy: 'Carny Macrn',
    });
  });
  it('keeps only letters and digits in a prefix, and nothing from an empty query', () => {
    expect(parseQuery("fo'o* bar*")).toEqual({ web: "fo'o*", prefixes: ['bar'], fuzzy: "fo'o bar" });
    expect(parseQuery(undefined)).toEqual({ web: '', prefixes: [], fuzzy: '' });
  });
});
