import { describe, expect, it } from 'vitest';
import {
  checkParameters, coerce, decorateNodes, fromDefinition, nextStepId, parameterFields, problemsByStep, toDefinition,
  toTrigger, PIPELINE_FIELDS, STEP_FIELDS, valueAt, withValue,
} from './model.js';

// As GET /api/components describes resize and filter.
const resize = {
  name: 'resize',
  parameters: {
    width: { type: 'integer', minimum: 1, maximum: 16384, required: false },
    height: { type: 'integer', minimum: 1, maximum: 16384, required: false },
    interpolation: { type: 'string', enum: ['auto', 'area', 'lanczos'], default: 'auto', required: false },
  },
  requireAny: ['width', 'height'],
};
const filter = {
  name: 'filter',
  parameters: {
    type: { type: 'string', enum: ['gaussian', 'median', 'grayscale'], required: true },
    kernelSize: { type: 'integer', minimum: 3, maximum: 31, odd: true, required: false, when: { type: ['median'] } },
  },
  requireAny: [],
};

const node = (id, component, parameters = {}) => ({ id, data: { component, parameters } });

describe('toDefinition', () => {
  it('makes one step per node and a dependency per incoming edge', () => {
    const definition = toDefinition({ pipelineId: 'shop', version: '1', trigger: { kind: 'bucket', bucket: 'raw',
      prefix: 'cams/' } }, [node('resize', 'resize', { width: 320, height: '' }),
      node('detect', 'detect', { confidence: 0.4 }), node('filter', 'filter')],
    [{ source: 'resize', target: 'detect' }, { source: 'resize', target: 'filter' }]);
    expect(definition).toEqual({
      pipelineId: 'shop',
      name: 'shop',
      version: '1',
      metadata: { canvas: { positions: { resize: { x: 0, y: 0 }, detect: { x: 0, y: 0 }, filter: { x: 0, y: 0 } } } },
      trigger: { bucket: 'raw', prefix: 'cams/' },
      steps: [
        { stepId: 'resize', componentName: 'resize', parameters: { width: 320 } },
        { stepId: 'detect', componentName: 'detect', parameters: { confidence: 0.4 }, dependencies: ['resize'] },
        { stepId: 'filter', componentName: 'filter', parameters: {}, dependencies: ['resize'] },
      ],
    });
  });
});

describe('toTrigger', () => {
  it('makes a bucket trigger, with a prefix only when one is given, or a topic trigger', () => {
    expect(toTrigger({ kind: 'bucket', bucket: 'raw', prefix: '' })).toEqual({ bucket: 'raw' });
    expect(toTrigger({ kind: 'kafka', bucket: 'raw', topic: 'frames' })).toEqual({ kafkaTopic: 'frames' });
  });
});

describe('nextStepId', () => {
  it('numbers a component that is already on the canvas', () => {
    expect(nextStepId('resize', [])).toBe('resize');
    expect(nextStepId('resize', [node('resize', 'resize'), node('resize-2', 'resize')])).toBe('resize-3');
  });
});

describe('checkParameters', () => {
  it('accepts a valid step', () => {
    expect(checkParameters(resize, { width: 320 })).toEqual([]);
  });

  it('names the field that is out of range, not whole, or unknown', () => {
    expect(checkParameters(resize, { width: 0 })).toEqual([{ field: 'width', message: 'width must be at least 1' }]);
    expect(checkParameters(resize, { width: 1.5 })).toEqual([{ field: 'width', message: 'width must be a whole number' }]);
    expect(checkParameters(resize, { width: 10, sharpness: 2 })).toEqual([
      { field: 'sharpness', message: 'resize has no parameter sharpness' }]);
  });

  it('needs one of the requireAny parameters and every required one', () => {
    expect(checkParameters(resize, {})).toEqual([{ field: 'width', message: 'set at least one of width, height' }]);
    expect(checkParameters(filter, {})).toEqual([{ field: 'type', message: 'type is required' }]);
  });

  it('checks choices and odd kernels', () => {
    expect(checkParameters(filter, { type: 'sepia' })).toEqual([
      { field: 'type', message: 'type must be one of gaussian, median, grayscale' }]);
    expect(checkParameters(filter, { type: 'median', kernelSize: 4 })).toEqual([
      { field: 'kernelSize', message: 'kernelSize must be odd' }]);
  });
});

describe('form helpers', () => {
  it('picks an input per parameter type and coerces what the form gives', () => {
    expect(parameterFields(resize).map((f) => [f.name, f.input])).toEqual([
      ['width', 'number'], ['height', 'number'], ['interpolation', 'select']]);
    expect(coerce(resize.parameters.width, '640')).toBe(640);
    expect(coerce(resize.parameters.width, '')).toBe('');
    expect(coerce({ type: 'boolean' }, 'true')).toBe(true);
    expect(parameterFields({ parameters: { keep: { type: 'boolean', default: true } } })[0])
      .toMatchObject({ input: 'select', choices: ['true', 'false'] });
  });

  it('groups the runner problems by step', () => {
    expect(problemsByStep([{ stepId: 'a', field: 'x', message: 'm' }, { stepId: null, field: '$', message: 'n' }]))
      .toEqual({ a: [{ stepId: 'a', field: 'x', message: 'm' }], '': [{ stepId: null, field: '$', message: 'n' }] });
  });
});

describe('fromDefinition', () => {
  const saved = {
    pipelineId: 'shop', name: 'shop', version: '2',
    metadata: { owner: 'ops', canvas: { positions: { resize: { x: 10, y: 20 } } } },
    trigger: { kafkaTopic: 'frames' },
    steps: [
      { stepId: 'resize', componentName: 'resize', parameters: { width: 320 } },
      { stepId: 'detect', componentName: 'detect', parameters: {}, dependencies: ['resize'] },
      { stepId: 'filter', componentName: 'filter', parameters: { type: 'grayscale' }, dependencies: ['resize'] },
    ],
  };

  it('keeps saved positions and lays out the rest in columns by depth', () => {
    const { nodes, edges, settings } = fromDefinition(saved);
    expect(nodes.map((n) => [n.id, n.position])).toEqual([
      ['resize', { x: 10, y: 20 }], ['detect', { x: 320, y: 80 }], ['filter', { x: 320, y: 200 }]]);
    expect(edges.map((e) => `${e.source}->${e.target}`)).toEqual(['resize->detect', 'resize->filter']);
    expect(settings).toMatchObject({ pipelineId: 'shop', version: '2', trigger: { kind: 'kafka', topic: 'frames' } });
  });

  it('gives back the definition it was made from', () => {
    const { nodes, edges, settings } = fromDefinition(saved);
    const again = toDefinition(settings, nodes, edges);
    expect(again.steps).toEqual(saved.steps);
    expect(again.trigger).toEqual(saved.trigger);
    expect(again.metadata.owner).toBe('ops');
    expect(again.metadata.canvas.positions.resize).toEqual({ x: 10, y: 20 });
  });
});

describe('a definition using every field', () => {
  const everything = {
    pipelineId: 'privacy', name: 'Blur what is found', version: '4',
    metadata: { owner: 'ops', description: 'every field', canvas: { positions: { small: { x: 1, y: 2 } } } },
    trigger: { bucket: 'cams', prefix: 'gate/', suffix: '.jpg' },
    steps: [
      { stepId: 'small', componentName: 'resize', componentVersion: '1.0.0', parameters: { width: 640 },
        resources: { cpu: '2', memory: '2Gi', gpu: 0 }, retryPolicy: { maxRetries: 5, backoffFactor: 3,
          initialBackoffMillis: 200 }, timeoutSeconds: 45 },
      { stepId: 'found', componentName: 'detect', dependencies: ['small'], parameters: { confidence: 0.3 },
        resources: { gpu: 1 }, retryPolicy: { maxRetries: 0 }, optional: true },
      { stepId: 'hide', componentName: 'redact', dependencies: ['found'], parameters: { classes: 'person' },
        when: "found.count > 0 and found.classes contains 'person'",
        inputs: { image: 'small', detections: 'found' } },
      { stepId: 'fallback', componentName: 'filter', dependencies: ['found'], when: "found.status == 'Failed'",
        inputs: { image: 'source' }, optional: false, parameters: { type: 'gaussian' } },
    ],
    globalParameters: { parallelism: 3, failFast: false, timeoutSeconds: 90, outputBucket: 'private' },
    retention: { inputs: '30d', outputs: '90d', runs: '30d' },
  };

  it('is saved as it was opened', () => {
    const { nodes, edges, settings } = fromDefinition(everything);
    const again = toDefinition(settings, nodes, edges);
    // Positions of steps the definition did not place are the canvas' own; the rest is the definition's.
    const { canvas: placed, ...metadata } = again.metadata;
    expect(metadata).toEqual({ owner: 'ops', description: 'every field' });
    expect(placed.positions.small).toEqual({ x: 1, y: 2 });
    expect({ ...again, metadata: everything.metadata }).toEqual(everything);
  });

  it('edits each field and drops one left empty', () => {
    const step = withValue({ retryPolicy: { maxRetries: 5 } }, ['retryPolicy', 'maxRetries'], 'integer', '');
    expect(step).toEqual({});
    expect(withValue({}, ['resources', 'gpu'], 'integer', '2')).toEqual({ resources: { gpu: 2 } });
    expect(withValue({ parallelism: 3 }, ['failFast'], 'boolean', 'false')).toEqual({ parallelism: 3, failFast: false });
    expect(valueAt(everything, ['globalParameters', 'outputBucket'])).toBe('private');
    expect(valueAt(everything.steps[1], ['retryPolicy', 'backoffFactor'])).toBe('');
    expect(STEP_FIELDS.map((f) => f.path.join('.'))).toEqual(expect.arrayContaining(['optional', 'when',
      'inputs.image', 'inputs.detections', 'componentVersion', 'timeoutSeconds', 'retryPolicy.maxRetries',
      'resources.memory']));
    expect(withValue({}, ['inputs', 'detections'], 'string', 'found')).toEqual({ inputs: { detections: 'found' } });
    expect(withValue({ when: 'found.count > 0' }, ['when'], 'string', '')).toEqual({});
    expect(withValue({}, ['optional'], 'boolean', 'true')).toEqual({ optional: true });
    expect(PIPELINE_FIELDS.map((f) => f.path.join('.'))).toEqual(['globalParameters.parallelism',
      'globalParameters.failFast', 'globalParameters.timeoutSeconds', 'globalParameters.outputBucket',
      'retention.inputs', 'retention.outputs', 'retention.runs']);
    expect(withValue({}, ['retention', 'inputs'], 'string', '7d')).toEqual({ retention: { inputs: '7d' } });
  });
});

describe('decorateNodes', () => {
  const opened = fromDefinition({ pipelineId: 'p', steps: [
    { stepId: 'resize', componentName: 'resize', parameters: { width: 640 } },
    { stepId: 'detect', componentName: 'detect', parameters: {}, dependencies: ['resize'] }] }).nodes;

  it('hands React Flow the same object for a node whose step and decoration did not change', () => {
    const first = decorateNodes(opened, {}, {});
    // Another render: new, equal problem lists and run states, as every render computes them.
    const second = decorateNodes(opened, { detect: [] }, {}, first.cache);
    expect(second.shown[0]).toBe(first.shown[0]);
    expect(second.shown[1]).toBe(first.shown[1]);
    expect(second.shown[1].data).toEqual({ component: 'detect', parameters: {}, problems: [], run: undefined });
  });

  it('hands a new object for a node whose step or decoration changed, and only for it', () => {
    const first = decorateNodes(opened, {}, {});
    const running = decorateNodes(opened, {}, { detect: { status: 'RUNNING', durationMs: 5 } }, first.cache);
    expect(running.shown[0]).toBe(first.shown[0]);
    expect(running.shown[1]).not.toBe(first.shown[1]);
    expect(running.shown[1].data.run.status).toBe('RUNNING');
    const measured = opened.map((node) => (node.id === 'resize'
      ? { ...node, measured: { width: 130, height: 54 } } : node));
    const moved = decorateNodes(measured, {}, { detect: { status: 'RUNNING', durationMs: 5 } }, running.cache);
    expect(moved.shown[0]).not.toBe(running.shown[0]);
    expect(moved.shown[0].measured).toEqual({ width: 130, height: 54 });
    expect(moved.shown[1]).toBe(running.shown[1]);
  });
});
