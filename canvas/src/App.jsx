import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, addEdge, applyEdgeChanges,
  applyNodeChanges, useReactFlow,
} from '@xyflow/react';
import * as api from './api.js';
import {
  checkParameters, coerce, decorateNodes, dependenciesOf, fromDefinition, nextStepId, parameterFields,
  problemsByStep, PIPELINE_FIELDS, STEP_FIELDS, valueAt, withValue,
  setDependency, toDefinition,
} from './model.js';
import { RunDetail, RunsPanel, Viewer, useClock, useRunFeed } from './Runs.jsx';
import { formatDuration, stepStates } from './runs.js';

/**
 * A step on the canvas: its id and component, red when it has problems; with a run shown, coloured by the step's
 * state in it, with its duration and error.
 */
function StepNode({ id, data, selected }) {
  const count = data.problems?.length ?? 0;
  const state = data.run;
  const runClass = state ? ` run-${state.status.toLowerCase()}` : '';
  return (
    <div className={`step${selected ? ' selected' : ''}${count ? ' invalid' : ''}${runClass}`}
      data-testid={`step-${id}`}>
      <Handle type="target" position={Position.Left} />
      <div className="step-id">{id}</div>
      <div className="step-component">{data.component}</div>
      {count > 0 && <div className="step-problems" title={data.problems.map((p) => p.message).join('\n')}>
        {count} problem{count > 1 ? 's' : ''}</div>}
      {state && <div className="step-state" data-testid={`state-${id}`}>
        {state.status.toLowerCase()} {formatDuration(state.durationMs)}</div>}
      {state?.message && state.status !== 'SUCCEEDED' && <div className="step-problems" title={state.message}>
        {state.message.length > 60 ? `${state.message.slice(0, 60)}…` : state.message}</div>}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

/** The keyboard's way to connect steps: a checkbox per other step, checked when this one runs after it. */
function RunsAfter({ stepId, stepIds, edges, onChange }) {
  const others = stepIds.filter((id) => id !== stepId);
  if (others.length === 0) return null;
  const current = dependenciesOf(edges, stepId);
  return (
    <fieldset className="runs-after">
      <legend>{stepId} runs after</legend>
      {others.map((other) => (
        <label key={other} className="check">
          <input type="checkbox" checked={current.includes(other)}
            onChange={(e) => onChange(other, stepId, e.target.checked)} /> {other}
        </label>
      ))}
    </fieldset>
  );
}

const nodeTypes = { step: StepNode };

function Palette({ components, onAdd }) {
  return (
    <aside className="palette" aria-label="Components">
      <h2>Components</h2>
      {components.map((component) => (
        <button key={component.name} type="button" className="palette-item" draggable
          title={component.description}
          onDragStart={(event) => event.dataTransfer.setData('application/imageflow-component', component.name)}
          onClick={() => onAdd(component.name)}>
          {component.name}
          <span className="palette-version">{component.version}</span>
        </button>
      ))}
      <p className="hint">Drag onto the canvas, or press Enter on one to add it. Connect a step's right edge to
        another's left edge: the second then runs on the first one's output.</p>
    </aside>
  );
}

function ParameterForm({ node, component, onChange }) {
  const parameters = node.data.parameters ?? {};
  const problems = checkParameters(component, parameters);
  const serverProblems = node.data.problems ?? [];
  return (
    <form className="parameters" onSubmit={(event) => event.preventDefault()} aria-label={`Parameters of ${node.id}`}>
      <h2>{node.id} <small>{component.name}</small></h2>
      {parameterFields(component).map(({ name, spec, input, choices }) => {
        const own = [...problems, ...serverProblems].filter((p) => p.field === name || p.field?.endsWith(`.${name}`));
        const value = parameters[name] ?? '';
        const fieldId = `parameter-${node.id}-${name}`;
        return (
          <div key={name} className={`field${own.length ? ' invalid' : ''}`}>
            <label htmlFor={fieldId}>{name}{spec.required ? ' *' : ''}</label>
            {input === 'select' ? (
              <select id={fieldId} value={String(value)} onChange={(e) => onChange(name, coerce(spec, e.target.value))}>
                <option value="">{spec.default !== undefined ? `default (${spec.default})` : '-'}</option>
                {choices.map((choice) => <option key={choice} value={choice}>{choice}</option>)}
              </select>
            ) : (
              <input id={fieldId} type={input} value={value} placeholder={spec.default !== undefined
                ? String(spec.default) : ''} min={spec.minimum} max={spec.maximum}
                step={spec.type === 'integer' ? 1 : 'any'} aria-invalid={own.length > 0}
                onChange={(e) => onChange(name, coerce(spec, e.target.value))} />
            )}
            {own.map((p) => <div key={p.message} className="field-problem" role="alert">{p.message}</div>)}
          </div>
        );
      })}
    </form>
  );
}

/**
 * Fields of a definition beside the graph (FIELDS of model.js): `values` is where they live (the pipeline's settings
 * or a step's data); a field left empty is not set, and the default applies.
 */
function DefinitionFields({ legend, idPrefix, fields, values, onChange }) {
  return (
    <fieldset className="definition-fields">
      <legend>{legend}</legend>
      {fields.map((field) => {
        const id = `${idPrefix}-${field.path.join('-')}`;
        const value = valueAt(values, field.path);
        return (
          <div key={id} className="field">
            <label htmlFor={id}>{field.label}</label>
            {field.type === 'boolean' ? (
              <select id={id} value={String(value)} onChange={(e) => onChange(field, e.target.value)}>
                <option value="">default ({field.placeholder})</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input id={id} type={field.type === 'string' ? 'text' : 'number'} value={value}
                placeholder={field.placeholder} step={field.type === 'integer' ? 1 : 'any'}
                onChange={(e) => onChange(field, e.target.value)} />
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

function Editor() {
  const [components, setComponents] = useState([]);
  const [nodes, setNodes] = useState([]);
  const [edges, setEdges] = useState([]);
  const [pipeline, setPipeline] = useState({
    pipelineId: 'my-pipeline', version: '1', trigger: { kind: 'bucket', bucket: 'raw', prefix: '', suffix: '', topic: 'frames' },
  });
  const [serverProblems, setServerProblems] = useState([]);
  const [status, setStatus] = useState('');
  const [yaml, setYaml] = useState('');
  const { screenToFlowPosition } = useReactFlow();

  const [saved, setSaved] = useState([]);
  const [deployed, setDeployed] = useState([]);
  const [target, setTarget] = useState('local');
  const [selectedRunId, setSelectedRunId] = useState(null);
  const [runDetail, setRunDetail] = useState(null);
  const [viewing, setViewing] = useState(null);
  const [uploadStatus, setUploadStatus] = useState(null);
  const feed = useRunFeed();
  const running = runDetail?.run.status === 'RUNNING' || feed.runs.some((r) => r.status === 'RUNNING');
  const now = useClock(running);

  const [needsLogin, setNeedsLogin] = useState(false);
  useEffect(() => {
    api.components().then(setComponents).catch((e) => (e.status === 401 ? setNeedsLogin(true)
      : setStatus(`Cannot load the components: ${e.message}`)));
    api.savedPipelines().then(setSaved).catch(() => setSaved([]));
    api.deployments().then(setDeployed).catch(() => setDeployed([]));
  }, []);

  // The shown run is loaded again whenever an event arrives.
  useEffect(() => {
    if (!selectedRunId) return;
    api.run(selectedRunId).then(setRunDetail).catch(() => {});
  }, [selectedRunId, feed.version]);

  const byName = useMemo(() => Object.fromEntries(components.map((c) => [c.name, c])), [components]);
  const grouped = problemsByStep(serverProblems);
  // A run is drawn on the canvas when it is a run of the pipeline being shown.
  const runStates = runDetail && runDetail.run.pipelineId === pipeline.pipelineId
    ? stepStates(runDetail.steps, now) : {};
  // Unchanged nodes keep their objects across renders, or React Flow forgets where their handles are.
  const decorated = useRef(new Map());
  const { shown: shownNodes, cache } = decorateNodes(nodes, grouped, runStates, decorated.current);
  decorated.current = cache;
  const selected = nodes.find((node) => node.selected);
  const deployment = deployed.find((d) => d.pipelineId === pipeline.pipelineId);

  const changed = () => { setServerProblems([]); setYaml(''); setStatus(''); };
  const addStep = useCallback((component, position) => {
    setNodes((current) => [...current.map((n) => ({ ...n, selected: false })), {
      id: nextStepId(component, current),
      type: 'step',
      position: position ?? { x: 80 + current.length * 220, y: 120 },
      data: { component, parameters: {} },
      selected: true,
    }]);
    changed();
  }, []);

  const onDrop = (event) => {
    event.preventDefault();
    const component = event.dataTransfer.getData('application/imageflow-component');
    if (component) addStep(component, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  const setStepField = (field, raw) => {
    setNodes((current) => current.map((node) => node.id !== selected.id ? node
      : { ...node, data: withValue(node.data, field.path, field.type, raw) }));
    changed();
  };
  const setPipelineField = (field, raw) => {
    setPipeline((p) => withValue(p, field.path, field.type, raw));
    changed();
  };

  const setParameter = (name, value) => {
    setNodes((current) => current.map((node) => node.id !== selected.id ? node
      : { ...node, data: { ...node.data, parameters: { ...node.data.parameters, [name]: value } } }));
    changed();
  };

  const definition = () => toDefinition(pipeline, nodes, edges);
  const setSetting = (name, value) => { setPipeline((p) => ({ ...p, [name]: value })); changed(); };
  const setTrigger = (name, value) => setSetting('trigger', { ...pipeline.trigger, [name]: value });
  const run = async (action) => {
    setStatus('');
    setServerProblems([]);
    try {
      await action();
    } catch (e) {
      setServerProblems(e.problem?.problems ?? []);
      setStatus(e.message);
    }
  };
  const onValidate = () => run(async () => {
    const result = await api.validate(definition());
    const warnings = result.warnings?.length ? ` Warning: ${result.warnings.join('; ')}` : '';
    setStatus(`Valid: ${result.steps.length} steps.${warnings}`);
  });
  const onPreview = () => run(async () => setYaml(await api.render(definition())));
  const onSave = () => run(async () => {
    const result = await api.save(definition());
    setStatus(`Saved ${result.pipelineId} version ${result.version}`);
    setSaved(await api.savedPipelines());
  });
  const onDeploy = () => run(async () => {
    const current = definition();
    await api.save(current);
    setSaved(await api.savedPipelines());
    const result = await api.deploy(current.pipelineId, current.version, target);
    if (target === 'cluster') {
      const warnings = result.warnings?.length ? ` Warning: ${result.warnings.join('; ')}` : '';
      setStatus(`Applied to the cluster: ${result.applied.map((a) => `${a.kind}/${a.name} ${a.outcome}`).join(', ')}.`
        + warnings);
    } else {
      // A component the pipeline needs may be down here (a missing model): it is deployed, but say so.
      const warnings = result.warnings?.length ? ` Warning: ${result.warnings.join('; ')}` : '';
      setStatus(`Deployed ${result.pipelineId} version ${result.version} on this runner.${warnings}`);
      setDeployed(await api.deployments());
    }
  });
  const onUpload = async (files) => {
    for (const file of files) {
      setUploadStatus({ text: `Uploading ${file.name}…` });
      try {
        const result = await api.upload(pipeline.pipelineId, file);
        setUploadStatus({ text: `Uploaded ${file.name} as ${result.object.key}` });
        setSelectedRunId(result.runId);
      } catch (e) {
        setUploadStatus({ text: `${file.name}: ${e.message}`, error: true });
      }
    }
  };
  const onOpen = (pipelineId) => run(async () => {
    if (!pipelineId) return;
    const found = await api.savedPipeline(pipelineId);
    const state = fromDefinition(found.definition);
    setPipeline(state.settings);
    setNodes(state.nodes);
    setEdges(state.edges);
    setYaml('');
    setStatus(`Opened ${pipelineId} version ${found.definition.version}`);
  });
  const pipelineProblems = grouped[''] ?? [];

  if (needsLogin) return <Login />;
  return (
    <div className="editor">
      <Palette components={components} onAdd={(name) => addStep(name)} />
      <div className="center">
        <main className="canvas" onDrop={onDrop} onDragOver={(e) => e.preventDefault()} aria-label="Pipeline canvas">
          <ReactFlow nodes={shownNodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }}
            onNodesChange={(changes) => { setNodes((n) => applyNodeChanges(changes, n)); }}
            onEdgesChange={(changes) => { setEdges((e) => applyEdgeChanges(changes, e)); changed(); }}
            onConnect={(connection) => { setEdges((e) => addEdge(connection, e)); changed(); }}>
            <Background />
            <Controls />
          </ReactFlow>
        </main>
        <RunsPanel runs={feed.runs} live={feed.live} refusals={feed.refusals} selectedRunId={selectedRunId}
          now={now} onSelect={setSelectedRunId}
          upload={<div className="upload">
            <label htmlFor="upload" className={deployment ? '' : 'disabled'}>
              {deployment ? `Upload images to ${deployment.pipelineId}` : 'Deploy here to upload images'}</label>
            <input id="upload" type="file" accept="image/*" multiple disabled={!deployment || !deployment.trigger.bucket}
              onChange={(e) => { onUpload([...e.target.files]); e.target.value = ''; }} />
            {uploadStatus && <span className={`upload-status${uploadStatus.error ? ' error' : ''}`}
              role={uploadStatus.error ? 'alert' : 'status'}>{uploadStatus.text}</span>}
          </div>}
          detail={<RunDetail detail={runDetail} now={now} onOpen={setViewing} onStarted={setSelectedRunId}
            onRetried={(runId) => api.run(runId).then(setRunDetail).catch(() => {})} />} />
      </div>
      {viewing && <Viewer item={viewing} onClose={() => setViewing(null)} />}
      <aside className="inspector" aria-label="Pipeline">
        <label htmlFor="open-pipeline">Open a saved pipeline</label>
        <select id="open-pipeline" value="" onChange={(e) => onOpen(e.target.value)}>
          <option value="">{saved.length ? 'choose...' : 'none saved yet'}</option>
          {saved.map((p) => <option key={p.pipelineId} value={p.pipelineId}>{p.pipelineId} ({p.latest})</option>)}
        </select>
        <label htmlFor="pipeline-id">Pipeline id</label>
        <input id="pipeline-id" value={pipeline.pipelineId} onChange={(e) => setSetting('pipelineId', e.target.value)} />
        <label htmlFor="pipeline-name">Name</label>
        <input id="pipeline-name" value={pipeline.name ?? ''} placeholder={pipeline.pipelineId}
          onChange={(e) => setSetting('name', e.target.value)} />
        <label htmlFor="pipeline-version">Version</label>
        <input id="pipeline-version" value={pipeline.version} onChange={(e) => setSetting('version', e.target.value)} />
        <label htmlFor="trigger-kind">Runs on</label>
        <select id="trigger-kind" value={pipeline.trigger.kind} onChange={(e) => setTrigger('kind', e.target.value)}>
          <option value="bucket">images dropped into a bucket</option>
          <option value="kafka">camera events on a Kafka topic</option>
        </select>
        {pipeline.trigger.kind === 'bucket' ? (<>
          <label htmlFor="trigger-bucket">Bucket</label>
          <input id="trigger-bucket" value={pipeline.trigger.bucket}
            onChange={(e) => setTrigger('bucket', e.target.value)} />
          <label htmlFor="trigger-prefix">Key prefix</label>
          <input id="trigger-prefix" value={pipeline.trigger.prefix} placeholder="every key"
            onChange={(e) => setTrigger('prefix', e.target.value)} />
          <label htmlFor="trigger-suffix">Key suffix</label>
          <input id="trigger-suffix" value={pipeline.trigger.suffix ?? ''} placeholder="any ending"
            onChange={(e) => setTrigger('suffix', e.target.value)} />
        </>) : (<>
          <label htmlFor="trigger-topic">Topic</label>
          <input id="trigger-topic" value={pipeline.trigger.topic} onChange={(e) => setTrigger('topic', e.target.value)} />
        </>)}
        <DefinitionFields legend="Run settings" idPrefix="pipeline" fields={PIPELINE_FIELDS} values={pipeline}
          onChange={setPipelineField} />
        <div className="actions">
          <button type="button" onClick={onValidate} disabled={nodes.length === 0}>Validate</button>
          <button type="button" onClick={onPreview} disabled={nodes.length === 0}>Preview Argo YAML</button>
          <button type="button" onClick={onSave} disabled={nodes.length === 0}>Save</button>
        </div>
        <div className="deploy">
          <label htmlFor="deploy-target" className="inline">Deploy to</label>
          <select id="deploy-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="local">this runner</option>
            <option value="cluster">the cluster (kube context)</option>
          </select>
          <button type="button" onClick={onDeploy} disabled={nodes.length === 0}>Deploy</button>
        </div>
        {deployment && <div className="deployed">Running here: version {deployment.version}, on {
          deployment.trigger.bucket ? `${deployment.trigger.bucket}/${deployment.trigger.prefix ?? ''}`
            : `topic ${deployment.trigger.kafkaTopic}`}</div>}
        {status && <div className={`status${serverProblems.length ? ' error' : ''}`} role="status">{status}</div>}
        {pipelineProblems.map((p) => <div key={p.message} className="field-problem" role="alert">
          {p.field}: {p.message}</div>)}
        {selected && byName[selected.data.component] && (
          <>
            <ParameterForm node={shownNodes.find((n) => n.id === selected.id)}
              component={byName[selected.data.component]} onChange={setParameter} />
            <RunsAfter stepId={selected.id} stepIds={nodes.map((n) => n.id)} edges={edges}
              onChange={(from, to, on) => { setEdges((e) => setDependency(e, from, to, on)); changed(); }} />
            <DefinitionFields legend={`${selected.id}: when it runs, inputs, version, timeout, retries, resources`}
              idPrefix={`step-${selected.id}`} values={selected.data} onChange={setStepField}
              fields={STEP_FIELDS.filter((field) => !field.reads || (components.find(
                (c) => c.name === selected.data.component)?.inputs ?? []).includes(field.reads))} />
          </>
        )}
        {yaml && <pre className="yaml" aria-label="Argo objects">{yaml}</pre>}
      </aside>
    </div>
  );
}

/** The token form of a canvas whose API is guarded (a cluster's): after login the page starts again. */
function Login() {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    try {
      await api.login(token);
      window.location.reload();
    } catch (e) {
      setError(e.message);
    }
  };
  return (
    <form className="login" onSubmit={submit} aria-label="Log in">
      <h2>Log in</h2>
      <label htmlFor="token">API token</label>
      <input id="token" type="password" autoComplete="current-password" value={token} autoFocus
        onChange={(e) => setToken(e.target.value)} />
      {error && <div className="field-problem" role="alert">{error}</div>}
      <div className="actions"><button type="submit" disabled={!token}>Log in</button></div>
      <p className="hint">infra/k3s/install.sh prints the token (Secret imageflow-canvas-token).</p>
    </form>
  );
}

export default function App() {
  return (
    <ReactFlowProvider>
      <header className="top"><h1>ImageFlowCanvas</h1></header>
      <Editor />
    </ReactFlowProvider>
  );
}
