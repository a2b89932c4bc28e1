package io.imageflowcanvas.local.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.argo.model.workflow.DAGTask;
import io.imageflowcanvas.argo.model.workflow.Template;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Argo Workflows v4.1.2's controller makes of a compiled pipeline's DAG, for the tests: which tasks run,
 * are Skipped or Omitted, and the DAG's phase, given how each http task ends. It follows the controller's code
 * (docs/upstream.md, "Optional steps and conditions"): {@code depends} over the dependencies' phases
 * (dag.go:987-1030), Omitted when false (dag.go:590-599); the {@code when} expression, evaluated after it
 * (dag.go:787-820, steps.go:384); a suspend template completes at once (operator.go:3998-4012); the DAG's phase
 * from its targets, an Omitted or Skipped task inheriting its parents' phase, Failed first, a target that
 * continues on its phase ignored, and with fail-fast nothing started once a target failed (dag.go:147-246).
 *
 * <p>Only the expressions the compiler writes are understood; anything else fails the test rather than guess.
 */
final class ArgoDagModel {

    /** How an http task ends: its node phase and, when it succeeded, its result (the function's answer). */
    record Ending(String phase, String result) {
        static Ending succeeded(String result) {
            return new Ending("Succeeded", result);
        }

        static Ending failed() {
            return new Ending("Failed", null);
        }
    }

    /** The nodes' phases by task name (tasks never started are absent) and the DAG's phase. */
    record Outcome(Map<String, String> phases, String dagPhase) {
    }

    private static final Pattern DEPENDENCY = Pattern.compile("([a-zA-Z0-9][-a-zA-Z0-9]*?)\\.([A-Z][a-zA-Z]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<DAGTask> tasks;
    private final Map<String, Template> templates = new LinkedHashMap<>();
    private final boolean failFast;
    private final List<String> targets;

    ArgoDagModel(WorkflowTemplate template) {
        Template entry = template.getSpec().getTemplates().stream()
                .filter(t -> t.getName().equals(template.getSpec().getEntrypoint())).findFirst().orElseThrow();
        template.getSpec().getTemplates().forEach(t -> templates.put(t.getName(), t));
        tasks = entry.getDag().getTasks();
        failFast = entry.getDag().getFailFast() == null || entry.getDag().getFailFast();
        String target = entry.getDag().getTarget();
        targets = target == null ? leaves() : List.of(target.split(" "));
    }

    /** Runs the DAG to its end with each http task ending as {@code endings} says. */
    Outcome run(java.util.function.Function<String, Ending> endings) {
        Map<String, String> phases = new LinkedHashMap<>();
        Map<String, String> results = new LinkedHashMap<>();
        boolean progress = true;
        while (progress && !(failFast && failed(phases))) {
            progress = false;
            for (DAGTask task : tasks) {
                if (phases.containsKey(task.getName())) {
                    continue;
                }
                List<String> dependencies = dependencies(task);
                if (!dependencies.stream().allMatch(phases::containsKey)) {
                    continue;
                }
                progress = true;
                if (task.getDepends() != null && !new BooleanExpression(task.getDepends(), phases).evaluate()) {
                    phases.put(task.getName(), "Omitted");
                } else if (task.getWhen() != null && !when(task.getWhen(), phases, results)) {
                    phases.put(task.getName(), "Skipped");
                } else if (templates.get(task.getTemplate()).getSuspend() != null) {
                    phases.put(task.getName(), "Succeeded");
                } else {
                    Ending ending = endings.apply(task.getName());
                    phases.put(task.getName(), ending.phase());
                    if (ending.result() != null) {
                        results.put(task.getName(), ending.result());
                    }
                }
                if (failFast && failed(phases)) {
                    break;
                }
            }
        }
        return new Outcome(phases, assess(phases));
    }

    private boolean failed(Map<String, String> phases) {
        String phase = assess(phases);
        return phase.equals("Failed") || phase.equals("Error");
    }

    /** assessDAGPhase: the targets' phases, an unfinished one inheriting its parents', Failed first. */
    private String assess(Map<String, String> phases) {
        Map<String, String> targetPhases = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        ArrayDeque<String[]> queue = new ArrayDeque<>();
        for (DAGTask task : tasks) {
            if (dependencies(task).isEmpty()) {
                queue.add(new String[] {task.getName(), "Succeeded"});
            }
        }
        while (!queue.isEmpty()) {
            String[] current = queue.poll();
            if (!seen.add(current[0] + "-" + current[1]) || !phases.containsKey(current[0])) {
                continue;
            }
            String phase = phases.get(current[0]);
            String branch = List.of("Succeeded", "Failed", "Error").contains(phase) ? phase : current[1];
            if (targets.contains(current[0]) && !failedOrError(targetPhases.get(current[0]))) {
                targetPhases.put(current[0], branch);
            }
            for (DAGTask child : tasks) {
                if (dependencies(child).contains(current[0])) {
                    queue.add(new String[] {child.getName(), branch});
                }
            }
        }
        String result = "Succeeded";
        for (String target : targets) {
            String phase = targetPhases.get(target);
            if (phase == null) {
                result = "Running";
                if (!failFast) {
                    break;
                }
            } else if (failedOrError(phase) && !continuesOn(task(target), phase)) {
                result = phase;
                if (failFast) {
                    break;
                }
            }
        }
        return result;
    }

    private static boolean failedOrError(String phase) {
        return "Failed".equals(phase) || "Error".equals(phase);
    }

    private static boolean continuesOn(DAGTask task, String phase) {
        return task.getContinueOn() != null && (phase.equals("Failed") && Boolean.TRUE.equals(
                task.getContinueOn().getFailed()) || phase.equals("Error") && Boolean.TRUE.equals(
                task.getContinueOn().getError()));
    }

    private DAGTask task(String name) {
        return tasks.stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    private List<String> leaves() {
        return tasks.stream().map(DAGTask::getName)
                .filter(name -> tasks.stream().noneMatch(t -> dependencies(t).contains(name))).toList();
    }

    private static List<String> dependencies(DAGTask task) {
        if (task.getDependencies() != null) {
            return task.getDependencies();
        }
        List<String> found = new ArrayList<>();
        if (task.getDepends() != null) {
            Matcher m = DEPENDENCY.matcher(task.getDepends());
            while (m.find()) {
                if (!found.contains(m.group(1))) {
                    found.add(m.group(1));
                }
            }
        }
        return found;
    }

    /** The task's when: one expression template the compiler writes, resolved against the ancestors. */
    private static boolean when(String when, Map<String, String> phases, Map<String, String> results) {
        if (!when.startsWith("{{=") || !when.endsWith("}}")) {
            throw new AssertionError("not an expression template: " + when);
        }
        return new ExprEvaluator(when.substring(3, when.length() - 2), phases, results).evaluate();
    }

    /** {@code depends}: {@code task.Result} terms with {@code && || ! ( )}. */
    private static final class BooleanExpression {
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, String> phases;
        private int next;

        BooleanExpression(String text, Map<String, String> phases) {
            this.phases = phases;
            Matcher m = Pattern.compile("\\s*(&&|\\|\\||!|\\(|\\)|[a-zA-Z0-9][-a-zA-Z0-9]*\\.[A-Z][a-zA-Z]+)")
                    .matcher(text);
            int at = 0;
            while (at < text.length() && m.find(at) && m.start() == at) {
                tokens.add(m.group(1));
                at = m.end();
            }
            if (!text.substring(at).isBlank()) {
                throw new AssertionError("depends not understood at " + text.substring(at));
            }
        }

        boolean evaluate() {
            boolean value = or();
            if (next != tokens.size()) {
                throw new AssertionError("depends not understood: " + tokens);
            }
            return value;
        }

        private boolean or() {
            boolean value = and();
            while (next < tokens.size() && tokens.get(next).equals("||")) {
                next++;
                value |= and();
            }
            return value;
        }

        private boolean and() {
            boolean value = unary();
            while (next < tokens.size() && tokens.get(next).equals("&&")) {
                next++;
                value &= unary();
            }
            return value;
        }

        private boolean unary() {
            String token = tokens.get(next++);
            if (token.equals("!")) {
                return !unary();
            }
            if (token.equals("(")) {
                boolean value = or();
                next++;
                return value;
            }
            String[] parts = token.split("\\.");
            String phase = phases.get(parts[0]);
            return switch (parts[1]) {
                case "Succeeded" -> "Succeeded".equals(phase);
                case "Failed" -> "Failed".equals(phase);
                case "Errored" -> "Error".equals(phase);
                case "Skipped" -> "Skipped".equals(phase);
                case "Omitted" -> "Omitted".equals(phase);
                case "Daemoned" -> false;
                default -> throw new AssertionError("task result not understood: " + token);
            };
        }
    }

    /**
     * The subset of expr the compiler writes: {@code tasks['x'].status == 'P'}, {@code jsonpath(tasks['x']
     * .outputs.result, '$.metadata.f') OP number}, {@code 'c' in jsonpath(...)}, with {@code ! && || ( )}.
     * A result that is missing is an error, as Argo's strict resolution makes it (it would requeue for ever).
     */
    private static final class ExprEvaluator {
        private static final Pattern TOKEN = Pattern.compile("\\s*(&&|\\|\\||==|!=|>=|<=|>|<|!|\\(|\\)|,|'(?:[^'\\\\]|"
                + "\\\\.)*'|[0-9]+(?:\\.[0-9]+)?|in\\b|jsonpath|tasks\\['[-a-z0-9]+'\\]\\.(?:status|outputs\\.result))");
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, String> phases;
        private final Map<String, String> results;
        private int next;

        ExprEvaluator(String text, Map<String, String> phases, Map<String, String> results) {
            this.phases = phases;
            this.results = results;
            Matcher m = TOKEN.matcher(text);
            int at = 0;
            while (at < text.length() && m.find(at) && m.start() == at) {
                tokens.add(m.group(1));
                at = m.end();
            }
            if (!text.substring(at).isBlank()) {
                throw new AssertionError("expression not understood at '" + text.substring(at) + "' in " + text);
            }
        }

        boolean evaluate() {
            Object value = or();
            if (next != tokens.size() || !(value instanceof Boolean b)) {
                throw new AssertionError("expression not understood: " + tokens);
            }
            return b;
        }

        private Object or() {
            Object value = and();
            while (peek("||")) {
                next++;
                Object right = and();
                value = (Boolean) value || (Boolean) right;
            }
            return value;
        }

        private Object and() {
            Object value = comparison();
            while (peek("&&")) {
                next++;
                Object right = comparison();
                value = (Boolean) value && (Boolean) right;
            }
            return value;
        }

        private Object comparison() {
            Object left = unary();
            if (next < tokens.size() && List.of("==", "!=", ">", ">=", "<", "<=", "in").contains(tokens.get(next))) {
                String operator = tokens.get(next++);
                Object right = unary();
                return switch (operator) {
                    case "==" -> left.equals(right);
                    case "!=" -> !left.equals(right);
                    case "in" -> ((List<?>) right).contains(left);
                    default -> {
                        double l = ((Number) left).doubleValue();
                        double r = ((Number) right).doubleValue();
                        yield switch (operator) {
                            case ">" -> l > r;
                            case ">=" -> l >= r;
                            case "<" -> l < r;
                            default -> l <= r;
                        };
                    }
                };
            }
            return left;
        }

        private Object unary() {
            String token = tokens.get(next++);
            if (token.equals("!")) {
                return !(Boolean) unary();
            }
            if (token.equals("(")) {
                Object value = or();
                expect(")");
                return value;
            }
            if (token.startsWith("'")) {
                return token.substring(1, token.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
            }
            if (Character.isDigit(token.charAt(0))) {
                return Double.parseDouble(token);
            }
            if (token.equals("jsonpath")) {
                expect("(");
                String reference = tokens.get(next++);
                expect(",");
                String path = (String) unary();
                expect(")");
                String task = reference.substring(7, reference.indexOf("']"));
                String result = results.get(task);
                if (result == null) {
                    throw new AssertionError("tasks." + task + ".outputs.result is missing: Argo would requeue");
                }
                return jsonPath(result, path);
            }
            if (token.endsWith(".status")) {
                String task = token.substring(7, token.indexOf("']"));
                String phase = phases.get(task);
                if (phase == null) {
                    throw new AssertionError("tasks." + task + ".status is missing");
                }
                return phase;
            }
            throw new AssertionError("expression token not understood: " + token);
        }

        private static Object jsonPath(String json, String path) {
            if (!path.startsWith("$.")) {
                throw new AssertionError("json path not understood: " + path);
            }
            try {
                JsonNode node = JSON.readTree(json);
                for (String part : path.substring(2).split("\\.")) {
                    node = node.path(part);
                }
                if (node.isMissingNode()) {
                    throw new AssertionError(path + " is not in the result: jsonpath would panic");
                }
                return node.isNumber() ? (Object) node.asDouble() : node.isArray()
                        ? JSON.convertValue(node, List.class) : node.asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("result is not JSON: " + json, e);
            }
        }

        private boolean peek(String token) {
            return next < tokens.size() && tokens.get(next).equals(token);
        }

        private void expect(String token) {
            if (!peek(token)) {
                throw new AssertionError("expected " + token + " in " + tokens);
            }
            next++;
        }
    }
}
