import { useEffect, useRef, useState } from 'react';
import * as api from './api.js';
import {
  addRefusal, boxes, formatDuration, isImage, isReport, refusalPosition, runDuration, stepStates,
} from './runs.js';

/**
 * The newest runs, kept current by the runner's event stream; `version` changes with every event, so views of one
 * run know when to load it again. Bursts of events are folded into one reload.
 */
export function useRunFeed() {
  const [runs, setRuns] = useState([]);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState(false);
  const [refusals, setRefusals] = useState([]);
  useEffect(() => {
    let timer = null;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        api.runs(20).then(setRuns).catch(() => {});
        setVersion((v) => v + 1);
      }, 100);
    };
    reload();
    const close = api.runEvents(reload, () => { setLive(true); reload(); },
      (refusal) => setRefusals((list) => addRefusal(list, refusal)));
    return () => { clearTimeout(timer); close(); };
  }, []);
  return { runs, version, live, refusals };
}

/**
 * The time to draw running durations to: read at every render (a step that started after the last tick is not
 * shown as 0 ms), with a re-render every second while `active` so they count up.
 */
export function useClock(active) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return Date.now();
}

const statusClass = (status) => `badge badge-${(status ?? 'none').toLowerCase()}`;

export function RunsPanel({ runs, live, refusals = [], selectedRunId, onSelect, upload, detail, now }) {
  return (
    <section className="runs" aria-label="Runs">
      <div className="runs-list">
        <div className="runs-head">
          <h2>Runs <span className={`live${live ? ' on' : ''}`}>{live ? 'live' : 'connecting'}</span></h2>
          {upload}
        </div>
        {runs.length === 0 ? <p className="hint">No runs yet: deploy the pipeline and upload an image.</p> : (
          <ul className="run-items">
            {runs.map((run) => (
              <li key={run.runId}>
                <button type="button" className={`run-item${run.runId === selectedRunId ? ' selected' : ''}`}
                  aria-pressed={run.runId === selectedRunId} onClick={() => onSelect(run.runId)}
                  data-testid={`run-${run.runId}`}>
                  <span className={statusClass(run.status)}>{run.status}</span>
                  <span className="run-key" title={`${run.bucket}/${run.key}`}>{run.key}</span>
                  <span className="run-meta">{run.pipelineId} · {formatDuration(runDuration(run, now))}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {refusals.length > 0 && (
          <div className="refusals" role="status" aria-label="Refused camera events">
            <h3>Refused camera events</h3>
            <ul>
              {refusals.map((r) => (
                <li key={refusalPosition(r)}>
                  <span className="run-key">{refusalPosition(r)}</span> {r.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <div className="run-detail">{detail}</div>
    </section>
  );
}

/** One run: its input, each step's state, duration, message and outputs; images open in the viewer. */
/** A step's log lines in this run (the functions' and the runner's), and links to more (a cluster's trace). */
function StepLogs({ runId, stepId, onClose }) {
  const [logs, setLogs] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let current = true;
    api.logs(runId, stepId).then((found) => current && setLogs(found))
      .catch((e) => current && setError(e.message));
    return () => { current = false; };
  }, [runId, stepId]);
  return (
    <section className="logs" aria-label={`Logs of ${stepId}`}>
      <h4>Logs of {stepId} <button type="button" className="link" onClick={onClose}>close</button></h4>
      {error && <p className="status error" role="alert">{error}</p>}
      {logs && logs.lines.length === 0 && <p className="hint">No lines kept for this step.</p>}
      {logs && logs.lines.length > 0 && (
        <ol className="log-lines">
          {logs.lines.map((line, i) => (
            <li key={i} className={`log-${line.level.toLowerCase()}`}>
              <time>{line.time?.slice(11, 23)}</time> <span className="log-source">{line.source}</span>{' '}
              {line.message}
            </li>
          ))}
        </ol>
      )}
      {logs?.links.map((link) => <a key={link.url} href={link.url} target="_blank" rel="noreferrer">{link.title}</a>)}
    </section>
  );
}

/**
 * "Run on this input": the run's pipeline on the run's input object now, with some steps' parameters set otherwise
 * (JSON {stepId: {param: value}}); the runner checks them and answers with the run, or its problems.
 */
function RunAgain({ run, onStarted }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('{}');
  const [status, setStatus] = useState(null);
  if (!open) {
    return <button type="button" className="link" onClick={() => setOpen(true)}>run on this input…</button>;
  }
  const submit = async (event) => {
    event.preventDefault();
    let parameters;
    try {
      parameters = JSON.parse(text);
    } catch (e) {
      setStatus({ text: `Parameters are not JSON: ${e.message}`, error: true });
      return;
    }
    try {
      const started = await api.startRun(run.pipelineId, { bucket: run.bucket, key: run.key }, parameters);
      setStatus({ text: started.started ? `Started ${started.runId}` : `Found ${started.runId}, run before` });
      onStarted?.(started.runId);
    } catch (e) {
      setStatus({ text: e.message, error: true });
    }
  };
  return (
    <form className="run-again" onSubmit={submit} aria-label="Run on this input">
      <label htmlFor="run-parameters">Parameters for this run (JSON: step, then parameter)</label>
      <textarea id="run-parameters" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Run</button>
      {status && <p className={status.error ? 'status error' : 'status'} role={status.error ? 'alert' : 'status'}>
        {status.text}</p>}
    </form>
  );
}

export function RunDetail({ detail, now, onOpen, onRetried, onStarted }) {
  const [retry, setRetry] = useState(null);
  const [logsOf, setLogsOf] = useState(null);
  const runId = detail?.run.runId;
  useEffect(() => { setRetry(null); setLogsOf(null); }, [runId]);
  if (!detail) return <p className="hint">Choose a run to see its steps and results.</p>;
  const { run, steps } = detail;
  const onRetry = async () => {
    setRetry({ text: 'Retrying…' });
    try {
      await api.retry(run.runId);
      setRetry(null);
      onRetried?.(run.runId);
    } catch (e) {
      setRetry({ text: e.message, error: true });
    }
  };
  const states = stepStates(steps, now);
  const input = { bucket: run.bucket, key: run.key };
  return (
    <div aria-label={`Run ${run.runId}`}>
      <h3>
        <span className={statusClass(run.status)} data-testid="run-status">{run.status}</span> {run.runId}
        <small> {formatDuration(runDuration(run, now))}</small>
        {run.status === 'FAILED' && <button type="button" className="retry" onClick={onRetry}>Retry</button>}
      </h3>
      {run.message && <p className="step-message">{run.message}</p>}
      {retry && <p className={retry.error ? 'status error' : 'status'} role={retry.error ? 'alert' : 'status'}>
        {retry.text}</p>}
      <div className="results">
        <figure className="result">
          <button type="button" className="thumb" onClick={() => onOpen({ image: input, title: `input ${run.key}` })}>
            <img src={api.thumbnailUrl(input)} alt={`input ${run.key}`} />
          </button>
          <figcaption>input {run.pipelineId && <RunAgain run={run} onStarted={onStarted} />}</figcaption>
        </figure>
        {steps.map((step) => {
          const state = states[step.stepId];
          const image = state.outputs.find(isImage);
          const report = state.outputs.find(isReport);
          return (
            <figure key={step.stepId} className="result" data-testid={`result-${step.stepId}`}>
              {image ? (
                <button type="button" className="thumb" onClick={() => onOpen({ image, report,
                  title: `${step.stepId}: ${image.key}` })}>
                  <img src={api.thumbnailUrl(image)} alt={`${step.stepId} output`} />
                </button>
              ) : <div className="thumb empty">{step.status === 'SUCCEEDED' ? 'no image' : '…'}</div>}
              <figcaption>
                <strong>{step.stepId}</strong> <span className={statusClass(step.status)}>{step.status}</span>
                <span> {formatDuration(state.durationMs)}</span>
                {step.attempts > 1 && <span> · {step.attempts} attempts</span>}
                {report && <button type="button" className="link" onClick={() => onOpen({ image, report,
                  title: `${step.stepId}: ${report.key}` })}>detections</button>}
                <button type="button" className="link" onClick={() => setLogsOf(step.stepId)}>logs</button>
                {step.message && step.status !== 'SUCCEEDED' && <div className="step-message">{step.message}</div>}
              </figcaption>
            </figure>
          );
        })}
      </div>
      {logsOf && <StepLogs runId={run.runId} stepId={logsOf} onClose={() => setLogsOf(null)} />}
    </div>
  );
}

/**
 * A result at full size in a modal dialog: the image with the detection boxes over it, the detections, the
 * report's JSON and download links (presigned, valid for 15 minutes). Escape or Close shuts it.
 */
export function Viewer({ item, onClose }) {
  const dialog = useRef(null);
  const [report, setReport] = useState(null);
  const [links, setLinks] = useState({});
  const [error, setError] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
    setReport(null);
    setError('');
    if (item.report) api.objectJson(item.report).then(setReport).catch((e) => setError(e.message));
    for (const [name, object] of Object.entries({ image: item.image, report: item.report })) {
      if (object) {
        api.describeObject(object).then((found) => setLinks((l) => ({ ...l, [name]: found.downloadUrl })))
          .catch((e) => setError(e.message));
      }
    }
  }, [item]);
  const shown = report ? boxes(report) : [];
  return (
    <dialog ref={dialog} className="viewer" aria-label={item.title} onClose={onClose}>
      <div className="viewer-head">
        <h2>{item.title}</h2>
        <button type="button" onClick={() => dialog.current.close()}>Close</button>
      </div>
      <div className="viewer-body">
        {item.image && (
          <div className="viewer-image">
            <img src={api.contentUrl(item.image)} alt={item.title} />
            {shown.length > 0 && (
              <svg className="boxes" viewBox="0 0 100 100" preserveAspectRatio="none" aria-label="Detection boxes">
                {shown.map((box) => (
                  <rect key={box.index} className="box" x={box.x} y={box.y} width={box.w} height={box.h}>
                    <title>{box.label}</title>
                  </rect>
                ))}
              </svg>
            )}
          </div>
        )}
        <div className="viewer-side">
          {error && <div className="field-problem" role="alert">{error}</div>}
          {report && (<>
            <p><strong>{report.count} detection{report.count === 1 ? '' : 's'}</strong> by {report.model}
              {' '}on {report.engine} in {report.inferenceMs} ms</p>
            <ol className="detections">
              {shown.map((box) => <li key={box.index}>{box.label}</li>)}
            </ol>
            <details>
              <summary>Detections JSON</summary>
              <pre className="json">{JSON.stringify(report, null, 2)}</pre>
            </details>
          </>)}
          <p className="downloads">
            {links.image && <a href={links.image} download>Download image</a>}
            {links.report && <a href={links.report} download>Download detections JSON</a>}
          </p>
        </div>
      </div>
    </dialog>
  );
}
