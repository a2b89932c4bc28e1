// What the runs view shows: each step's state and duration from GET /api/runs/{runId}, the objects worth a
// thumbnail, and the boxes of a detection report.

const IMAGE = /\.(jpe?g|png|webp|bmp)$/i;

/** Milliseconds as people read them: 850 ms, 1.2 s, 2 min 5 s. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
}

/**
 * Each step's state for the canvas: status, duration (from its first attempt's start to its last change, or to
 * `now` while it runs), attempts and message. A step the run has not reached is absent.
 */
export function stepStates(steps, now = Date.now()) {
  return Object.fromEntries(steps.map((step) => {
    const started = step.startedAt ? Date.parse(step.startedAt) : null;
    const running = step.status === 'RUNNING' || step.status === 'RETRYING';
    const end = running ? now : Date.parse(step.updatedAt);
    return [step.stepId, {
      status: step.status,
      durationMs: started === null ? null : Math.max(0, end - started),
      attempts: step.attempts,
      message: step.message ?? null,
      outputs: step.outputs ?? [],
    }];
  }));
}

/** A run's duration: to its end, or to `now` while it runs. */
export function runDuration(run, now = Date.now()) {
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, end - Date.parse(run.startedAt));
}

export const isImage = (object) => IMAGE.test(object.key);
export const isReport = (object) => object.key.endsWith('.json');

/** The detections of a report as boxes in percent of the image, for an overlay that scales with it. */
export function boxes(report) {
  const { width, height } = report;
  if (!width || !height) return [];
  return (report.detections ?? []).map((d, index) => ({
    index,
    label: `${d.className} ${Math.round(d.score * 100)}%`,
    x: (d.box.x1 / width) * 100,
    y: (d.box.y1 / height) * 100,
    w: ((d.box.x2 - d.box.x1) / width) * 100,
    h: ((d.box.y2 - d.box.y1) / height) * 100,
  }));
}

/**
 * The refused camera events to show, newest first, at most `limit`: a refusal arrives once per pipeline reading
 * the topic, so one event (topic, partition, offset) is listed once.
 */
export function addRefusal(refusals, refusal, limit = 5) {
  const position = refusalPosition(refusal);
  return [refusal, ...refusals.filter((r) => refusalPosition(r) !== position)].slice(0, limit);
}

/** Where a refused event lies, as the runner names it: topic-partition@offset. */
export const refusalPosition = (r) => `${r.topic}-${r.partition}@${r.offset}`;
