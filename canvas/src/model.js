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

/** A trigger from the form: a bucket (with an optional key prefix) or a Kafka topic of camera events. */
export function toTrigger({ kind, bucket, prefix, topic }) {
  if (kind === 'kafka') return { kafkaTopic: topic };
  return prefix ? { bucket, prefix } : { bucket };
}

/**
 * The pipeline definition the runner validates and renders: one step per node (in canvas order), an edge
 * source -> target making the target depend on the source.
 */
export function toDefinition({ pipelineId, version, trigger, metadata }, nodes, edges) {
  const positions = Object.fromEntries(nodes.map((node) => [node.id,
    { x: Math.round(node.position?.x ?? 0), y: Math.round(node.position?.y ?? 0) }]));
  return {
    pipelineId,
    name: pipelineId,
    version,
    // Where the steps lie on the canvas travels with the definition (the runner ignores it).
    metadata: { ...metadata, canvas: { positions } },
    trigger: toTrigger(trigger),
    steps: nodes.map((node) => {
      const step = {
        stepId: node.id,
        componentName: node.data.component,
        parameters: compactParameters(node.data.parameters ?? {}),
      };
      const dependencies = edges.filter((edge) => edge.target === node.id).map((edge) => edge.source);
      if (dependencies.length > 0) step.dependencies = dependencies;
      return step;
    }),
  };
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
      data: { component: step.componentName, parameters: { ...step.parameters } },
    };
  });
  const edges = definition.steps.flatMap((step) => (step.dependencies ?? [])
    .map((source) => ({ id: `${source}->${step.stepId}`, source, target: step.stepId })));
  const { canvas, ...metadata } = definition.metadata ?? {};
  const trigger = definition.trigger?.kafkaTopic
    ? { kind: 'kafka', bucket: 'raw', prefix: '', topic: definition.trigger.kafkaTopic }
    : { kind: 'bucket', bucket: definition.trigger?.bucket ?? 'raw', prefix: definition.trigger?.prefix ?? '',
      topic: 'frames' };
  return { settings: { pipelineId: definition.pipelineId, version: definition.version ?? '1', trigger, metadata },
    nodes, edges };
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
