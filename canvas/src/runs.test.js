import { describe, expect, it } from 'vitest';
import { dependenciesOf, setDependency } from './model.js';
import { addRefusal, boxes, formatDuration, isImage, isReport, runDuration, stepStates } from './runs.js';

describe('stepStates', () => {
  const steps = [
    { stepId: 'small', status: 'SUCCEEDED', attempts: 1, startedAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T10:00:01.250Z', outputs: [{ bucket: 'processed', key: 'a.jpg' }] },
    { stepId: 'find', status: 'RUNNING', attempts: 2, startedAt: '2026-01-01T10:00:01.300Z',
      updatedAt: '2026-01-01T10:00:01.300Z', message: null },
    { stepId: 'old', status: 'FAILED', attempts: 3, startedAt: null, updatedAt: '2026-01-01T10:00:02Z',
      message: 'the input is not an image' },
  ];
  const now = Date.parse('2026-01-01T10:00:04.300Z');

  it('times finished steps to their last change and running ones to now', () => {
    const states = stepStates(steps, now);
    expect(states.small).toMatchObject({ status: 'SUCCEEDED', durationMs: 1250, outputs: [{ key: 'a.jpg' }] });
    expect(states.find).toMatchObject({ status: 'RUNNING', durationMs: 3000, attempts: 2 });
  });

  it('keeps the message and has no duration without a start', () => {
    expect(stepStates(steps, now).old).toMatchObject({ durationMs: null, message: 'the input is not an image' });
  });

  it('times a run to its end or to now', () => {
    expect(runDuration({ startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:00:02Z' }, now)).toBe(2000);
    expect(runDuration({ startedAt: '2026-01-01T10:00:00Z', finishedAt: null }, now)).toBe(4300);
  });
});

describe('formatDuration', () => {
  it('reads as ms, seconds or minutes', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1250)).toBe('1.3 s');
    expect(formatDuration(125000)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('');
  });
});

describe('outputs', () => {
  it('tells images from reports', () => {
    expect(isImage({ key: 'x/y.annotated.jpg' })).toBe(true);
    expect(isImage({ key: 'x/y.json' })).toBe(false);
    expect(isReport({ key: 'x/y.json' })).toBe(true);
  });

  it('places boxes in percent of the image', () => {
    const report = { width: 200, height: 100, detections: [
      { className: 'dog', score: 0.874, box: { x1: 20, y1: 10, x2: 120, y2: 60 } }] };
    expect(boxes(report)).toEqual([{ index: 0, label: 'dog 87%', x: 10, y: 10, w: 50, h: 50 }]);
    expect(boxes({ detections: [] })).toEqual([]);
  });
});

describe('setDependency', () => {
  it('adds and removes one edge without touching the others', () => {
    let edges = [{ id: 'a->c', source: 'a', target: 'c' }];
    edges = setDependency(edges, 'b', 'c', true);
    expect(dependenciesOf(edges, 'c')).toEqual(['a', 'b']);
    expect(setDependency(edges, 'b', 'c', true)).toHaveLength(2);
    edges = setDependency(edges, 'a', 'c', false);
    expect(dependenciesOf(edges, 'c')).toEqual(['b']);
  });
});

describe('addRefusal', () => {
  const refusal = (offset, reason = 'not a CloudEvent') => ({ topic: 'camera-uploads', partition: 0, offset, reason });

  it('lists the newest first and each event once', () => {
    let list = addRefusal([], refusal(3));
    list = addRefusal(list, refusal(4, 'no data'));
    list = addRefusal(list, refusal(3));
    expect(list.map((r) => r.offset)).toEqual([3, 4]);
  });

  it('keeps at most the limit', () => {
    let list = [];
    for (let offset = 0; offset < 8; offset += 1) list = addRefusal(list, refusal(offset), 5);
    expect(list.map((r) => r.offset)).toEqual([7, 6, 5, 4, 3]);
  });
});
