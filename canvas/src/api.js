// The runner's API (triggers/local, openapi.yaml); errors arrive as problem documents.

async function answer(response) {
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
