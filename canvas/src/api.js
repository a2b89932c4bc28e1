// The runner's API (triggers/local, openapi.yaml); errors arrive as problem documents.

async function answer(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = typeof body === 'object' ? body : { detail: body };
    throw Object.assign(new Error(problem.detail ?? `HTTP ${response.status}`), { problem, status: response.status });
  }
  return body;
}

export async function components() {
  return (await answer(await fetch('api/components'))).components;
}

function post(path, definition) {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  }).then(answer);
}

export const validate = (definition) => post('api/pipelines/validate', definition);
export const render = (definition) => post('api/pipelines/render?base=false', definition);

export async function savedPipelines() {
  return (await answer(await fetch('api/pipelines'))).pipelines;
}

export async function savedPipeline(pipelineId) {
  return answer(await fetch(`api/pipelines/${encodeURIComponent(pipelineId)}`));
}

export function save(definition) {
  return fetch(`api/pipelines/${encodeURIComponent(definition.pipelineId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  }).then(answer);
}

/** Deploys the saved version of a pipeline: here (`local`) or to the runner's cluster (`cluster`). */
export function deploy(pipelineId, version, target = 'local') {
  return post('api/deployments', { pipelineId, version, target });
}

export async function deployments() {
  return (await answer(await fetch('api/deployments'))).deployments;
}

/** Stores an image file in the deployed pipeline's trigger bucket; answers the object and its run id. */
export async function upload(pipelineId, file) {
  const query = new URLSearchParams({ name: file.name });
  return answer(await fetch(`api/deployments/${encodeURIComponent(pipelineId)}/uploads?${query}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  }));
}

export async function runs(limit = 20) {
  return answer(await fetch(`api/runs?limit=${limit}`));
}

export async function run(runId) {
  return answer(await fetch(`api/runs/${encodeURIComponent(runId)}`));
}

/** What a run's step logged, in order, and where to see more ({lines, links}). */
export async function logs(runId, stepId) {
  const query = stepId ? `?step=${encodeURIComponent(stepId)}` : '';
  return answer(await fetch(`api/runs/${encodeURIComponent(runId)}/logs${query}`));
}

/**
 * Runs a deployed pipeline now on a stored object, some steps' parameters set otherwise ({stepId: {param: value}}):
 * {runId, started}; a refusal comes back with the runner's problems.
 */
export const startRun = (pipelineId, input, parameters) => post('api/runs', {
  pipelineId, input, ...(parameters && Object.keys(parameters).length && { parameters }),
});

/** Runs a FAILED run again (its finished steps reused); a refusal comes back with the runner's reason. */
export const retry = (runId) => post(`api/runs/${encodeURIComponent(runId)}/retry`, {});

const objectQuery = ({ bucket, key }) => new URLSearchParams({ bucket, key }).toString();

/** Same-origin addresses of an object's bytes and thumbnail, for <img> and links. */
export const contentUrl = (object) => `api/objects/content?${objectQuery(object)}`;
export const thumbnailUrl = (object, size = 160) => `api/objects/thumbnail?${objectQuery(object)}&size=${size}`;

/** The object's size, type and a presigned download link valid for 15 minutes. */
export async function describeObject(object) {
  return answer(await fetch(`api/objects?${objectQuery(object)}`));
}

export async function objectJson(object) {
  return answer(await fetch(contentUrl(object)));
}

/**
 * Run and step events as they happen; `onEvent` gets each one's data, `onOpen` each (re)connection, `onRefused`
 * each camera event the runner refused ({topic, partition, offset, reason, timestamp}).
 */
export function runEvents(onEvent, onOpen, onRefused) {
  const source = new EventSource('api/runs/events');
  const handle = (message) => onEvent(JSON.parse(message.data));
  source.addEventListener('run', handle);
  source.addEventListener('step', handle);
  source.addEventListener('refused', (message) => onRefused?.(JSON.parse(message.data)));
  source.addEventListener('open', () => onOpen?.());
  return () => source.close();
}

/** Logs in to an API that needs a token (a cluster's canvas): the runner keeps it as an HttpOnly cookie. */
export async function login(token) {
  return answer(await fetch('api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  }));
}
