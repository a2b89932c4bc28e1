// The canvas' pure logic: a graph of step nodes and dependency edges <-> a pipeline definition, and the
// parameter checks the form shows inline (the runner's validation stays the authority).

/** A step id for a new node of `component`: the component's name, then name-2, name-3, ... */
export function nextStepId(component, nodes) {
  const taken = new Set(nodes.map((node) => node.id));
  if (!taken.has(component)) return component;
  for (let n = 2; ; n++) {
    if (!taken.has(`${component}-${n}`)) return `${component}-${n}`;
  }
}

/** A trigger from the form: a bucket (with an optional key prefix and suffix) or a Kafka topic of camera events. */
export function toTrigger({ kind, bucket, prefix, suffix, topic }) {
  if (kind === 'kafka') return { kafkaTopic: topic };
  const trigger = { bucket };
  if (prefix) trigger.prefix = prefix;
  if (suffix) trigger.suffix = suffix;
  return trigger;
}

/**
 * The fields of a definition the canvas edits beside the graph, each with where it lives and its JSON type: the
 * pipeline's run settings and each step's decisions (optional, when), inputs, version, timeout, retries and
 * resources; `reads` limits a field to components that read that input. A field left empty is not set
 * (the default applies); one the form never showed is kept as the definition had it.
 */
export const PIPELINE_FIELDS = [
  { path: ['globalParameters', 'parallelism'], type: 'integer', label: 'Steps at once', placeholder: '10' },
  { path: ['globalParameters', 'failFast'], type: 'boolean', label: 'Stop after a failed step',
    placeholder: 'true' },
  { path: ['globalParameters', 'timeoutSeconds'], type: 'integer', label: 'Step timeout (s)', placeholder: '300' },
  { path: ['globalParameters', 'outputBucket'], type: 'string', label: 'Output bucket', placeholder: 'processed' },
  { path: ['retention', 'inputs'], type: 'string', label: 'Keep inputs for', placeholder: 'forever, or e.g. 30d' },
  { path: ['retention', 'outputs'], type: 'string', label: 'Keep outputs for', placeholder: 'forever, or e.g. 90d' },
  { path: ['retention', 'runs'], type: 'string', label: 'Keep run records for', placeholder: 'forever, or e.g. 30d' },
];

export const STEP_FIELDS = [
  { path: ['optional'], type: 'boolean', label: 'Optional: the run goes on when it fails', placeholder: 'false' },
  { path: ['when'], type: 'string', label: 'Run only when', placeholder: 'e.g. detect.count > 0' },
  { path: ['inputs', 'image'], type: 'string', label: 'Image from (step or source)',
    placeholder: 'first dependency' },
  // Only for components that read a detections report (their registry entry lists the input).
  { path: ['inputs', 'detections'], type: 'string', label: 'Detections from (a detect step)', placeholder: '',
    reads: 'detections' },
  { path: ['componentVersion'], type: 'string', label: 'Component version', placeholder: 'the registry\'s' },
  { path: ['timeoutSeconds'], type: 'integer', label: 'Timeout (s)', placeholder: 'the pipeline\'s' },
  { path: ['retryPolicy', 'maxRetries'], type: 'integer', label: 'Retries', placeholder: '3' },
  { path: ['retryPolicy', 'backoffFactor'], type: 'number', label: 'Backoff factor', placeholder: '2' },
  { path: ['retryPolicy', 'initialBackoffMillis'], type: 'integer', label: 'First backoff (ms)',
    placeholder: '500' },
  { path: ['resources', 'cpu'], type: 'string', label: 'CPU', placeholder: 'the component\'s' },
  { path: ['resources', 'memory'], type: 'string', label: 'Memory', placeholder: 'the component\'s' },
  { path: ['resources', 'gpu'], type: 'integer', label: 'GPUs', placeholder: 'the component\'s' },
];

/** The value at `path` in `object` ('' when not set). */
export function valueAt(object, path) {
  let value = object;
  for (const key of path) value = value?.[key];
  return value ?? '';
}

/**
 * `object` with the value at `path` set (a form's raw value, coerced to the field's type), or removed when empty;
 * an object left empty by a removal goes too.
 */
export function withValue(object, path, type, raw) {
  const value = coerce({ type }, raw);
  const [key, ...rest] = path;
  const copy = { ...(object ?? {}) };
  if (rest.length) {
    const inner = withValue(copy[key], rest, type, raw);
    if (Object.keys(inner).length) copy[key] = inner; else delete copy[key];
  } else if (value === '') {
    delete copy[key];
  } else {
    copy[key] = value;
  }
  return copy;
}

/**
 * The pipeline definition the runner validates and renders: one step per node (in canvas order), an edge
 * source -> target making the target depend on the source.
 */
export function toDefinition({ pipelineId, name, version, trigger, metadata, globalParameters, retention }, nodes,
  edges) {
  const positions = Object.fromEntries(nodes.map((node) => [node.id,
    { x: Math.round(node.position?.x ?? 0), y: Math.round(node.position?.y ?? 0) }]));
  const definition = {
    pipelineId,
    name: name || pipelineId,
    version,
    // Where the steps lie on the canvas travels with the definition (the runner ignores it).
    metadata: { ...metadata, canvas: { positions } },
    trigger: toTrigger(trigger),
    steps: nodes.map((node) => {
      const step = { stepId: node.id, componentName: node.data.component };
      if (node.data.componentVersion) step.componentVersion = node.data.componentVersion;
      const dependencies = edges.filter((edge) => edge.target === node.id).map((edge) => edge.source);
      if (dependencies.length > 0) step.dependencies = dependencies;
      step.parameters = compactParameters(node.data.parameters ?? {});
      for (const field of ['resources', 'retryPolicy']) {
        if (node.data[field] && Object.keys(node.data[field]).length) step[field] = { ...node.data[field] };
      }
      if (node.data.timeoutSeconds !== undefined && node.data.timeoutSeconds !== '') {
        step.timeoutSeconds = node.data.timeoutSeconds;
      }
      if (node.data.optional !== undefined && node.data.optional !== '') step.optional = node.data.optional;
      if (node.data.when) step.when = node.data.when;
      if (node.data.inputs && Object.keys(node.data.inputs).length) step.inputs = { ...node.data.inputs };
      return step;
    }),
  };
  if (globalParameters && Object.keys(globalParameters).length) definition.globalParameters = { ...globalParameters };
  if (retention && Object.keys(retention).length) definition.retention = { ...retention };
  return definition;
}

function compactParameters(parameters) {
  return Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== '' && value !== undefined));
}

/**
 * The form's fields for a component: name, input kind, the choices of a select (a boolean too, so that "not set",
 * meaning the default, stays distinct from false) and the spec from the palette.
 */
export function parameterFields(component) {
  return Object.entries(component.parameters ?? {}).map(([name, spec]) => {
    const choices = spec.enum ?? (spec.type === 'boolean' ? ['true', 'false'] : null);
    return { name, spec, choices, input: choices ? 'select' : spec.type === 'string' ? 'text' : 'number' };
  });
}

/** A form's raw value as the parameter's JSON type ('' stays '', meaning "not set"). */
export function coerce(spec, raw) {
  if (raw === '' || raw === undefined || raw === null) return '';
  if (spec.type === 'integer' || spec.type === 'number') {
    const number = Number(raw);
    return Number.isNaN(number) ? raw : number;
  }
  if (spec.type === 'boolean') return raw === true || raw === 'true';
  return String(raw);
}

/** Problems of a step's parameters against its component's specs: [{field, message}]. */
export function checkParameters(component, parameters) {
  const problems = [];
  const specs = component.parameters ?? {};
  for (const name of Object.keys(parameters)) {
    if (!(name in specs)) problems.push({ field: name, message: `${component.name} has no parameter ${name}` });
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = parameters[name];
    const applies = !spec.when || Object.entries(spec.when).every(([other, values]) =>
      values.includes(String(parameters[other] ?? specs[other]?.default ?? '')));
    if (value === undefined || value === '') {
      if (spec.required && applies) problems.push({ field: name, message: `${name} is required` });
      continue;
    }
    if (spec.type === 'integer' || spec.type === 'number') {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        problems.push({ field: name, message: `${name} must be a number` });
        continue;
      }
      if (spec.type === 'integer' && !Number.isInteger(value)) {
        problems.push({ field: name, message: `${name} must be a whole number` });
      }
      if (spec.minimum !== undefined && value < spec.minimum) {
        problems.push({ field: name, message: `${name} must be at least ${spec.minimum}` });
      }
      if (spec.maximum !== undefined && value > spec.maximum) {
        problems.push({ field: name, message: `${name} must be at most ${spec.maximum}` });
      }
      if (spec.odd && value % 2 === 0) problems.push({ field: name, message: `${name} must be odd` });
    }
    if (spec.enum && !spec.enum.includes(String(value))) {
      problems.push({ field: name, message: `${name} must be one of ${spec.enum.join(', ')}` });
    }
  }
  if (component.requireAny?.length && !component.requireAny.some((name) => parameters[name] !== undefined
      && parameters[name] !== '')) {
    problems.push({ field: component.requireAny[0], message: `set at least one of ${component.requireAny.join(', ')}` });
  }
  return problems;
}

/**
 * The nodes as React Flow gets them: each step with its problems and run state in its data. A node whose step and
 * decoration are unchanged is the object `previous` handed over before. Why: React Flow keeps what it measured of a
 * node (where its handles are, which edges attach to) only for the same object or one carrying `measured`
 * (adoptUserNodes and parseHandles in @xyflow/system 0.0.84). A fresh object for a node whose measurement had not
 * yet reached our state (a re-render as the run feed connects, just after a pipeline is opened) dropped it: the
 * node stayed drawn and its edges were never drawn again.
 *
 * Returns the nodes and the cache to pass as `previous` next time.
 */
export function decorateNodes(nodes, problems, runStates, previous = new Map()) {
  const cache = new Map();
  const shown = nodes.map((node) => {
    const decoration = { problems: problems[node.id] ?? [], run: runStates[node.id] };
    const key = JSON.stringify(decoration);
    const before = previous.get(node.id);
    const decorated = before?.node === node && before.key === key ? before.decorated
      : { ...node, data: { ...node.data, ...decoration } };
    cache.set(node.id, { node, key, decorated });
    return decorated;
  });
  return { shown, cache };
}

/** The runner's problems grouped by step id ('' for the pipeline as a whole). */
export function problemsByStep(problems) {
  const byStep = {};
  for (const problem of problems ?? []) {
    const key = problem.stepId ?? '';
    (byStep[key] ??= []).push(problem);
  }
  return byStep;
}

/**
 * The canvas state of a saved definition: steps where the canvas left them (metadata.canvas.positions), others in
 * columns by their depth in the DAG; an edge per dependency.
 */
export function fromDefinition(definition) {
  const positions = definition.metadata?.canvas?.positions ?? {};
  const byId = Object.fromEntries(definition.steps.map((step) => [step.stepId, step]));
  const depths = {};
  const depthOf = (id, path = new Set()) => {
    if (depths[id] !== undefined) return depths[id];
    if (path.has(id) || !byId[id]) return 0;
    path.add(id);
    const dependencies = byId[id].dependencies ?? [];
    depths[id] = dependencies.length ? 1 + Math.max(...dependencies.map((d) => depthOf(d, path))) : 0;
    return depths[id];
  };
  const rows = {};
  const nodes = definition.steps.map((step) => {
    const column = depthOf(step.stepId);
    rows[column] = (rows[column] ?? -1) + 1;
    return {
      id: step.stepId,
      type: 'step',
      position: positions[step.stepId] ?? { x: 80 + column * 240, y: 80 + rows[column] * 120 },
      data: {
        component: step.componentName,
        parameters: { ...step.parameters },
        ...(step.componentVersion !== undefined && { componentVersion: step.componentVersion }),
        ...(step.resources && { resources: { ...step.resources } }),
        ...(step.retryPolicy && { retryPolicy: { ...step.retryPolicy } }),
        ...(step.timeoutSeconds !== undefined && { timeoutSeconds: step.timeoutSeconds }),
        ...(step.optional !== undefined && { optional: step.optional }),
        ...(step.when !== undefined && { when: step.when }),
        ...(step.inputs && { inputs: { ...step.inputs } }),
      },
    };
  });
  const edges = definition.steps.flatMap((step) => (step.dependencies ?? [])
    .map((source) => ({ id: `${source}->${step.stepId}`, source, target: step.stepId })));
  const { canvas, ...metadata } = definition.metadata ?? {};
  const trigger = definition.trigger?.kafkaTopic
    ? { kind: 'kafka', bucket: 'raw', prefix: '', suffix: '', topic: definition.trigger.kafkaTopic }
    : { kind: 'bucket', bucket: definition.trigger?.bucket ?? 'raw', prefix: definition.trigger?.prefix ?? '',
      suffix: definition.trigger?.suffix ?? '', topic: 'frames' };
  return {
    settings: {
      pipelineId: definition.pipelineId, name: definition.name ?? definition.pipelineId,
      version: definition.version ?? '1', trigger, metadata,
      ...(definition.globalParameters && { globalParameters: { ...definition.globalParameters } }),
      ...(definition.retention && { retention: { ...definition.retention } }),
    },
    nodes,
    edges,
  };
}

/** The steps `stepId` runs after: the sources of the edges into it. */
export function dependenciesOf(edges, stepId) {
  return edges.filter((edge) => edge.target === stepId).map((edge) => edge.source);
}

/**
 * The edges with `from` -> `to` added when `on`, removed when not: how the keyboard connects steps (the "Runs
 * after" checkboxes), where the mouse drags an edge.
 */
export function setDependency(edges, from, to, on) {
  const id = `${from}->${to}`;
  const without = edges.filter((edge) => !(edge.source === from && edge.target === to));
  return on ? [...without, { id, source: from, target: to }] : without;
}
