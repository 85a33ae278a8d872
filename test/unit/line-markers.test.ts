import { describe, expect, it } from 'vitest';
import { lineMarkers, lineRuns } from '../../src/lib/mark-text.ts';

describe('lineRuns', () => {
  it('groups ascending line numbers into consecutive runs', () => {
    expect(lineRuns([1, 2, 3, 5, 7, 8])).toEqual([
      { from: 1, to: 3 },
      { from: 5, to: 5 },
      { from: 7, to: 8 },
    ]);
    expect(lineRuns([])).toEqual([]);
  });
});

describe('lineMarkers', () => {
  const segments = [
    { from: 1, to: 5, glue: true },
    { from: 6, to: 9, glue: false },
    { from: 10, to: 14, glue: true },
  ];

  it('marks the segments kept, labelling each once', () => {
    expect(lineMarkers(segments, (s) => s.glue, { label: 'not shown' })).toEqual([
      { range: '1-5', label: 'not shown' },
      { range: '10-14', label: 'not shown' },
    ]);
  });

  it('leaves out excepted lines and labels only the first run of a split segment', () => {
    expect(lineMarkers(segments, (s) => s.glue, { except: new Set([4, 11, 13]), label: 'not shown' })).toEqual([
      { range: '1-3', label: 'not shown' },
      { range: '5' },
      { range: '10', label: 'not shown' },
      { range: '12' },
      { range: '14' },
    ]);
  });

  it('has no label unless given one, and nothing for a segment that is all excepted', () => {
    expect(lineMarkers(segments, (s) => !s.glue, { except: new Set([6, 7, 8, 9]) })).toEqual([]);
    expect(lineMarkers(segments, (s) => !s.glue)).toEqual([{ range: '6-9' }]);
  });
});
