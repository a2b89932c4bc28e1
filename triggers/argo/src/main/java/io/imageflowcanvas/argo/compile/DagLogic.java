package io.imageflowcanvas.argo.compile;

import io.imageflowcanvas.argo.model.workflow.ContinueOn;
import io.imageflowcanvas.argo.model.workflow.DAGTask;
import io.imageflowcanvas.argo.model.workflow.SuspendTemplate;
import io.imageflowcanvas.argo.model.workflow.Template;
import io.imageflowcanvas.pipeline.StepCondition;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.util.ArrayList;
import java.util.List;

/**
 * When each DAG task runs, in Argo's terms, with the local executor's semantics (docs/upstream.md, "Optional steps
 * and conditions"):
 * <ul>
 * <li>{@code depends}: a dependency must have succeeded, been skipped by its condition, or (optional) failed; one
 * whose output or result the step reads must have succeeded. A task whose depends is false is Omitted.</li>
 * <li>{@code when}: the step's condition as one expression over {@code tasks.<id>.status} and the task's JSON
 * result; false makes the task Skipped.</li>
 * <li>{@code continueOn}: an optional step's failure does not fail the DAG.</li>
 * <li>The run's outcome: Argo deduces the phase of an Omitted or Skipped task from the tasks before it, Failed
 * first (v4.1.2 dag.go:147-246), so a step left out because an optional step failed would fail the run. Such steps
 * are therefore not the DAG's targets; an {@value #OUTCOME_TASK} task after them (a suspend of no duration: no
 * pod) runs unless one of them failed, and is a target instead.</li>
 * </ul>
 */
final class DagLogic {

    /** A task name no step can have (step ids are lowercase). */
    static final String OUTCOME_TASK = "Outcome";
    static final String OUTCOME_TEMPLATE = "run-outcome";

    private DagLogic() {
    }

    /** The task's {@code depends}, or null for a step with no dependencies. */
    static String depends(ValidatedPipeline pipeline, ValidatedPipeline.Step step) {
        List<String> terms = new ArrayList<>();
        for (String dependency : step.dependencies()) {
            if (step.needs().contains(dependency)) {
                terms.add(dependency + ".Succeeded");
            } else {
                terms.add("(" + dependency + ".Succeeded || " + dependency + ".Skipped"
                        + (pipeline.step(dependency).optional() ? " || " + dependency + ".Failed || " + dependency
                        + ".Errored" : "") + ")");
            }
        }
        for (String needed : step.needs()) {
            if (!step.dependencies().contains(needed)) {
                terms.add(needed + ".Succeeded");
            }
        }
        return terms.isEmpty() ? null : String.join(" && ", terms);
    }

    /** The task's {@code when}: one expression (Argo's expr templates), which Argo resolves to true or false. */
    static String when(StepCondition condition) {
        return condition == null ? null : "{{=" + expression(condition) + "}}";
    }

    static String expression(StepCondition condition) {
        return switch (condition) {
            case StepCondition.AnyOf any -> String.join(" || ", any.conditions().stream()
                    .map(c -> "(" + expression(c) + ")").toList());
            case StepCondition.AllOf all -> String.join(" && ", all.conditions().stream()
                    .map(c -> "(" + expression(c) + ")").toList());
            case StepCondition.StatusTest test -> (test.equal() ? "" : "!") + statusIs(test.stepId(), test.status());
            case StepCondition.CountTest test -> result(test.stepId(), "count") + " " + test.operator() + " "
                    + number(test.value());
            case StepCondition.ClassTest test -> quote(test.className()) + " in " + result(test.stepId(), "classes");
        };
    }

    /** Argo's node phases for ours: a step Failed on a 4xx/5xx answer or Error on no answer; Omitted is skipped. */
    private static String statusIs(String stepId, String status) {
        String phase = "tasks['" + stepId + "'].status";
        return switch (status) {
            case "Failed" -> "(" + phase + " == 'Failed' || " + phase + " == 'Error')";
            case "Skipped" -> "(" + phase + " == 'Skipped' || " + phase + " == 'Omitted')";
            default -> "(" + phase + " == '" + status + "')";
        };
    }

    /** A field of the step's result event's metadata ({@code count}, {@code classes} of a detect step). */
    private static String result(String stepId, String field) {
        return "jsonpath(tasks['" + stepId + "'].outputs.result, '$.metadata." + field + "')";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** An expr string literal: single quotes, with quote and backslash escaped. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static ContinueOn continueOn(ValidatedPipeline.Step step) {
        return step.optional() ? new ContinueOn().failed(true).error(true) : null;
    }

    /** The steps an optional step's failure may leave out without failing the run: not the DAG's targets. */
    static List<ValidatedPipeline.Step> assessedByOutcome(ValidatedPipeline pipeline) {
        return pipeline.steps().stream().filter(s -> !s.optional() && pipeline.afterOptionalStep(s.stepId()))
                .toList();
    }

    /** The DAG's {@code target}: every other step and the outcome task; null (all leaves) when none is needed. */
    static String target(ValidatedPipeline pipeline) {
        List<ValidatedPipeline.Step> assessed = assessedByOutcome(pipeline);
        if (assessed.isEmpty()) {
            return null;
        }
        List<String> targets = new ArrayList<>(pipeline.steps().stream().filter(s -> !assessed.contains(s))
                .map(ValidatedPipeline.Step::stepId).toList());
        targets.add(OUTCOME_TASK);
        return String.join(" ", targets);
    }

    /** The outcome task: it runs once the assessed steps have ended, unless one of them failed or errored. */
    static DAGTask outcomeTask(ValidatedPipeline pipeline) {
        return new DAGTask().name(OUTCOME_TASK).template(OUTCOME_TEMPLATE).depends(String.join(" && ",
                assessedByOutcome(pipeline).stream().map(s -> "(" + s.stepId() + ".Succeeded || " + s.stepId()
                        + ".Skipped || " + s.stepId() + ".Omitted)").toList()));
    }

    /** A suspend that ends at once: the controller completes it, no pod or agent call (operator.go:3998-4012). */
    static Template outcomeTemplate() {
        return new Template().name(OUTCOME_TEMPLATE).suspend(new SuspendTemplate().duration("0"));
    }
}
