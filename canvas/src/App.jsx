import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, addEdge, applyEdgeChanges,
  applyNodeChanges, useReactFlow,
} from '@xyflow/react';
import * as api from './api.js';
import {
  checkParameters, coerce, fromDefinition, nextStepId, parameterFields, problemsByStep, toDefinition,
} from './model.js';

/** A step on the canvas: its id and component, red when it has problems. */
function StepNode({ id, data, selected }) {
  const count = data.problems?.length ?? 0;
  return (
    <div className={`step${selected ? ' selected' : ''}${count ? ' invalid' : ''}`} data-testid={`step-${id}`}>
      <Handle type="target" position={Position.Left} />
      <div className="step-id">{id}</div>
      <div className="step-component">{data.component}</div>
      {count > 0 && <div className="step-problems" title={data.problems.map((p) => p.message).join('\n')}>
        {count} problem{count > 1 ? 's' : ''}</div>}
      <Handle type="source" position={Position.Right} />
    </div>
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

function Editor() {
  const [components, setComponents] = useState([]);
  const [nodes, setNodes] = useState([]);
  const [edges, setEdges] = useState([]);
  const [pipeline, setPipeline] = useState({
    pipelineId: 'my-pipeline', version: '1', trigger: { kind: 'bucket', bucket: 'raw', prefix: '', topic: 'frames' },
  });
  const [serverProblems, setServerProblems] = useState([]);
  const [status, setStatus] = useState('');
  const [yaml, setYaml] = useState('');
  const { screenToFlowPosition } = useReactFlow();

  const [saved, setSaved] = useState([]);

  useEffect(() => {
    api.components().then(setComponents).catch((e) => setStatus(`Cannot load the components: ${e.message}`));
    api.savedPipelines().then(setSaved).catch(() => setSaved([]));
  }, []);

  const byName = useMemo(() => Object.fromEntries(components.map((c) => [c.name, c])), [components]);
  const grouped = problemsByStep(serverProblems);
  const shownNodes = nodes.map((node) => ({ ...node, data: { ...node.data, problems: grouped[node.id] ?? [] } }));
  const selected = nodes.find((node) => node.selected);

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
    setStatus(`Valid: ${result.steps.length} steps`);
  });
  const onPreview = () => run(async () => setYaml(await api.render(definition())));
  const onSave = () => run(async () => {
    const result = await api.save(definition());
    setStatus(`Saved ${result.pipelineId} version ${result.version}`);
    setSaved(await api.savedPipelines());
  });
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

  return (
    <div className="editor">
      <Palette components={components} onAdd={(name) => addStep(name)} />
      <main className="canvas" onDrop={onDrop} onDragOver={(e) => e.preventDefault()} aria-label="Pipeline canvas">
        <ReactFlow nodes={shownNodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }}
          onNodesChange={(changes) => { setNodes((n) => applyNodeChanges(changes, n)); }}
          onEdgesChange={(changes) => { setEdges((e) => applyEdgeChanges(changes, e)); changed(); }}
          onConnect={(connection) => { setEdges((e) => addEdge(connection, e)); changed(); }}>
          <Background />
          <Controls />
        </ReactFlow>
      </main>
      <aside className="inspector" aria-label="Pipeline">
        <label htmlFor="open-pipeline">Open a saved pipeline</label>
        <select id="open-pipeline" value="" onChange={(e) => onOpen(e.target.value)}>
          <option value="">{saved.length ? 'choose...' : 'none saved yet'}</option>
          {saved.map((p) => <option key={p.pipelineId} value={p.pipelineId}>{p.pipelineId} ({p.latest})</option>)}
        </select>
        <label htmlFor="pipeline-id">Pipeline id</label>
        <input id="pipeline-id" value={pipeline.pipelineId} onChange={(e) => setSetting('pipelineId', e.target.value)} />
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
        </>) : (<>
          <label htmlFor="trigger-topic">Topic</label>
          <input id="trigger-topic" value={pipeline.trigger.topic} onChange={(e) => setTrigger('topic', e.target.value)} />
        </>)}
        <div className="actions">
          <button type="button" onClick={onValidate} disabled={nodes.length === 0}>Validate</button>
          <button type="button" onClick={onPreview} disabled={nodes.length === 0}>Preview Argo YAML</button>
          <button type="button" onClick={onSave} disabled={nodes.length === 0}>Save</button>
        </div>
        {status && <div className={`status${serverProblems.length ? ' error' : ''}`} role="status">{status}</div>}
        {pipelineProblems.map((p) => <div key={p.message} className="field-problem" role="alert">
          {p.field}: {p.message}</div>)}
        {selected && byName[selected.data.component] && (
          <ParameterForm node={shownNodes.find((n) => n.id === selected.id)} component={byName[selected.data.component]}
            onChange={setParameter} />
        )}
        {yaml && <pre className="yaml" aria-label="Argo objects">{yaml}</pre>}
      </aside>
    </div>
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
