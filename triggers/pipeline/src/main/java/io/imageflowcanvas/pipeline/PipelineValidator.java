package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.ComponentRegistry.Component;
import io.imageflowcanvas.pipeline.ComponentRegistry.ParameterSpec;
import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a definition against the component registry and the rules both engines need, collecting every problem
 * before reporting: unknown component or version, unknown, mistyped or out-of-range parameter, a parameter that
 * does not apply, missing dependency, cycle, duplicate step id, malformed resources, retry policy, trigger, an
 * input from a step it does not come after or of the wrong kind, a condition that is malformed or cannot hold.
 */
public final class PipelineValidator {

    public static final int DEFAULT_PARALLELISM = 10;
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final double DEFAULT_BACKOFF_FACTOR = 2.0;
    public static final int DEFAULT_INITIAL_BACKOFF_MILLIS = 500;
    public static final String DEFAULT_OUTPUT_BUCKET = "processed";
    /**
     * The longest wait between two attempts, whatever the backoff grows to (60 s x 10^9 otherwise): both engines
     * cap it (Argo as its retryStrategy's backoff.cap).
     */
    public static final java.time.Duration MAX_BACKOFF = java.time.Duration.ofMinutes(5);
    /**
     * The most steps a pipeline may have: far beyond an image pipeline's needs, and small enough that checking,
     * compiling (one Argo task each) and drawing one stays cheap, whoever sends it.
     */
    public static final int MAX_STEPS = 100;

    /**
     * The longest pipeline id every name derived from it can hold. The longest is the EventSource
     * {@code imageflow-<id>-bucket-events} (24 characters around the id), which Argo Events' controller also writes
     * into a label value (at most 63 characters); run ids ({@code <id>-<16 hex>}) fit the run history's 64.
     */
    public static final int MAX_PIPELINE_ID_LENGTH = 39;
    /** A pipeline id: a DNS label of at most {@link #MAX_PIPELINE_ID_LENGTH} characters. */
    public static final Pattern PIPELINE_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,"
            + (MAX_PIPELINE_ID_LENGTH - 2) + "}[a-z0-9])?");
    /** A version: what a file name, an annotation and the run history's 64 characters all hold. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Step ids become Argo task and Kubernetes names: DNS labels. */
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern CPU = Pattern.compile("\\d+(\\.\\d+)?m?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(Ki|Mi|Gi|Ti|K|M|G|T)?");

    private final ComponentRegistry registry;

    public PipelineValidator(ComponentRegistry registry) {
        this.registry = registry;
    }

    public ValidatedPipeline validate(PipelineDefinition definition) {
        List<Problem> problems = new ArrayList<>();
        requireText(definition.pipelineId(), null, "pipelineId", problems);
        if (definition.pipelineId() != null && !PIPELINE_ID.matcher(definition.pipelineId()).matches()) {
            problems.add(new Problem(null, "pipelineId", "'" + definition.pipelineId() + "' must be lowercase"
                    + " letters, digits and hyphens, starting and ending with a letter or digit, at most "
                    + MAX_PIPELINE_ID_LENGTH + " characters (the names made from it must fit Kubernetes' 63)"));
        }
        requireText(definition.name(), null, "name", problems);
        requireText(definition.version(), null, "version", problems);
        if (definition.version() != null && !definition.version().isBlank()
                && !VERSION.matcher(definition.version()).matches()) {
            problems.add(new Problem(null, "version", "'" + definition.version() + "' must be letters, digits, '.',"
                    + " '_' and '-', starting with a letter or digit, at most 64 characters"));
        }
        checkTrigger(definition.trigger(), problems);
        PipelineDefinition.GlobalParameters global = definition.globalParameters() == null
                ? new PipelineDefinition.GlobalParameters(null, null, null, null) : definition.globalParameters();
        int parallelism = range(global.parallelism(), DEFAULT_PARALLELISM, 1, 100, null,
                "globalParameters.parallelism", problems);
        int defaultTimeout = range(global.timeoutSeconds(), DEFAULT_TIMEOUT_SECONDS, 1, 3600, null,
                "globalParameters.timeoutSeconds", problems);
        String outputBucket = global.outputBucket() == null ? DEFAULT_OUTPUT_BUCKET : global.outputBucket();
        if (!BUCKET.matcher(outputBucket).matches()) {
            problems.add(new Problem(null, "globalParameters.outputBucket", "'" + outputBucket
                    + "' is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"));
        }

        if (definition.trigger() != null && outputBucket.equals(definition.trigger().bucket())) {
            problems.add(new Problem(null, "globalParameters.outputBucket", "the output bucket '" + outputBucket
                    + "' is also the trigger bucket: every output would start another run"));
        }
        ValidatedPipeline.Retention retention = retention(definition.retention(), problems);
        List<PipelineDefinition.Step> steps = definition.steps() == null ? List.of() : definition.steps();
        if (steps.isEmpty()) {
            problems.add(new Problem(null, "steps", "a pipeline needs at least one step"));
        }
        if (steps.size() > MAX_STEPS) {
            // Said alone: a problem list per step of thousands would only bury it.
            throw new PipelineValidationException(List.of(new Problem(null, "steps", "a pipeline has at most "
                    + MAX_STEPS + " steps, this one has " + steps.size())));
        }
        Map<String, PipelineDefinition.Step> byId = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            PipelineDefinition.Step step = steps.get(i);
            String id = step.stepId();
            if (id == null || !STEP_ID.matcher(id).matches()) {
                problems.add(new Problem(id, "steps[" + i + "].stepId", "'" + id + "' must be lowercase letters,"
                        + " digits and hyphens (a DNS label, 63 characters at most)"));
                continue;
            }
            if (byId.putIfAbsent(id, step) != null) {
                problems.add(new Problem(id, "stepId", "duplicate step id '" + id + "': step ids must be unique"));
            }
        }
        List<ValidatedPipeline.Step> checked = new ArrayList<>();
        for (PipelineDefinition.Step step : byId.values()) {
            checkStep(step, byId, defaultTimeout, problems).ifPresent(checked::add);
        }
        List<String> order = order(byId, problems);
        if (!problems.isEmpty()) {
            throw new PipelineValidationException(problems);
        }
        Map<String, ValidatedPipeline.Step> checkedById = new HashMap<>();
        checked.forEach(s -> checkedById.put(s.stepId(), s));
        return new ValidatedPipeline(definition.pipelineId(), definition.name(), definition.version(),
                definition.trigger(), order.stream().map(checkedById::get).toList(), parallelism,
                global.failFast() == null || global.failFast(), outputBucket, retention);
    }

    /** "30d", "12h", "90m": a whole number of days, hours or minutes, at least one minute. */
    private static final Pattern RETENTION = Pattern.compile("([1-9]\\d{0,5})([dhm])");

    /**
     * {@code retention} checked as a definition's is, for a setting that applies to many pipelines.
     *
     * @throws PipelineValidationException naming each value that is not an age
     */
    public static ValidatedPipeline.Retention retention(PipelineDefinition.Retention retention) {
        List<Problem> problems = new ArrayList<>();
        ValidatedPipeline.Retention checked = retention(retention, problems);
        if (!problems.isEmpty()) {
            throw new PipelineValidationException(problems);
        }
        return checked;
    }

    private static ValidatedPipeline.Retention retention(PipelineDefinition.Retention retention,
            List<Problem> problems) {
        if (retention == null) {
            return ValidatedPipeline.Retention.FOREVER;
        }
        return new ValidatedPipeline.Retention(age(retention.inputs(), "retention.inputs", problems),
                age(retention.outputs(), "retention.outputs", problems),
                age(retention.runs(), "retention.runs", problems));
    }

    private static Duration age(String value, String field, List<Problem> problems) {
        if (value == null) {
            return null;
        }
        Matcher matcher = RETENTION.matcher(value.trim());
        if (!matcher.matches()) {
            problems.add(new Problem(null, field, "'" + value + "' must be a whole number of days, hours or minutes"
                    + " such as 30d, 12h or 90m (leave it out to keep forever)"));
            return null;
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private void checkTrigger(PipelineDefinition.Trigger trigger, List<Problem> problems) {
        if (trigger == null || (trigger.bucket() == null) == (trigger.kafkaTopic() == null)) {
            problems.add(new Problem(null, "trigger", "give exactly one of trigger.bucket (with optional prefix and"
                    + " suffix) or trigger.kafkaTopic"));
            return;
        }
        if (trigger.bucket() != null && !BUCKET.matcher(trigger.bucket()).matches()) {
            problems.add(new Problem(null, "trigger.bucket", "'" + trigger.bucket() + "' is not a bucket name (3 to"
                    + " 63 lowercase letters, digits, dots and hyphens)"));
        }
        if (trigger.kafkaTopic() != null && !TOPIC.matcher(trigger.kafkaTopic()).matches()) {
            problems.add(new Problem(null, "trigger.kafkaTopic", "'" + trigger.kafkaTopic() + "' is not a Kafka"
                    + " topic name (letters, digits, '.', '_', '-')"));
        }
    }

    private java.util.Optional<ValidatedPipeline.Step> checkStep(PipelineDefinition.Step step,
            Map<String, PipelineDefinition.Step> byId, int defaultTimeout, List<Problem> problems) {
        String id = step.stepId();
        int before = problems.size();
        Component component = registry.component(step.componentName()).orElse(null);
        if (component == null) {
            problems.add(new Problem(id, "componentName", "unknown component '" + step.componentName()
                    + "'; available: " + String.join(", ", registry.components().keySet())));
        } else if (step.componentVersion() != null && !step.componentVersion().equals(component.version())) {
            problems.add(new Problem(id, "componentVersion", "component " + component.name() + " has version "
                    + component.version() + ", not '" + step.componentVersion() + "'"));
        }
        List<String> dependencies = step.dependencies() == null ? List.of() : step.dependencies();
        for (String dependency : dependencies) {
            if (dependency.equals(id)) {
                problems.add(new Problem(id, "dependencies", "a step cannot depend on itself"));
            } else if (!byId.containsKey(dependency)) {
                problems.add(new Problem(id, "dependencies", "depends on '" + dependency + "', which is not a step"
                        + " of this pipeline; steps: " + String.join(", ", byId.keySet())));
            }
        }
        Map<String, Object> parameters = step.parameters() == null ? Map.of() : step.parameters();
        if (component != null) {
            checkParameters(id, component, parameters, problems);
        }
        PipelineDefinition.Resources resources = resources(id, step.resources(), component, problems);
        PipelineDefinition.RetryPolicy retry = step.retryPolicy() == null
                ? new PipelineDefinition.RetryPolicy(null, null, null) : step.retryPolicy();
        int maxRetries = range(retry.maxRetries(), DEFAULT_MAX_RETRIES, 0, 10, id, "retryPolicy.maxRetries",
                problems);
        double factor = retry.backoffFactor() == null ? DEFAULT_BACKOFF_FACTOR : retry.backoffFactor();
        if (factor < 1 || factor > 10) {
            problems.add(new Problem(id, "retryPolicy.backoffFactor", "must be between 1 and 10, got " + factor));
        }
        int initial = range(retry.initialBackoffMillis(), DEFAULT_INITIAL_BACKOFF_MILLIS, 1, 60_000, id,
                "retryPolicy.initialBackoffMillis", problems);
        int timeout = range(step.timeoutSeconds(), defaultTimeout, 1, 3600, id, "timeoutSeconds", problems);
        Set<String> ancestors = ancestors(id, byId);
        Map<String, String> inputs = component == null ? Map.of() : StepInputs.check(step, component, ancestors,
                byId, registry, problems);
        StepCondition when = checkWhen(step, ancestors, byId, problems);
        if (problems.size() > before || component == null) {
            return java.util.Optional.empty();
        }
        Map<String, String> named = new LinkedHashMap<>(inputs);
        String image = named.remove(ComponentRegistry.IMAGE);
        return java.util.Optional.of(new ValidatedPipeline.Step(id, component.name(), component.version(),
                dependencies, StepInputs.SOURCE.equals(image) ? null : image, Map.copyOf(parameters), resources,
                maxRetries, factor, Duration.ofMillis(initial), Duration.ofSeconds(timeout),
                Boolean.TRUE.equals(step.optional()), when, Map.copyOf(named)));
    }

    /**
     * The step's condition, parsed and checked: it may name only steps this one comes after, {@code count} and
     * {@code classes} only of steps that report detections, and {@code 'Failed'} only of an optional step (any
     * other failure fails the run and skips this step, so the test could never hold).
     */
    private StepCondition checkWhen(PipelineDefinition.Step step, Set<String> ancestors,
            Map<String, PipelineDefinition.Step> byId, List<Problem> problems) {
        if (step.when() == null) {
            return null;
        }
        String id = step.stepId();
        StepCondition condition;
        try {
            condition = StepCondition.parse(step.when());
        } catch (StepCondition.SyntaxException e) {
            problems.add(new Problem(id, "when", "'" + step.when() + "' " + e.getMessage()));
            return null;
        }
        for (String named : condition.steps()) {
            if (!ancestors.contains(named)) {
                problems.add(new Problem(id, "when", "names step '" + named + "', which this step does not come"
                        + " after; a condition may test only steps among its dependencies (directly or through"
                        + " others): " + (ancestors.isEmpty() ? "it has none" : String.join(", ", ancestors))));
            }
        }
        for (String reported : condition.resultSteps()) {
            PipelineDefinition.Step tested = byId.get(reported);
            String output = tested == null ? null : registry.component(tested.componentName())
                    .map(ComponentRegistry.Component::output).orElse(null);
            if (tested != null && output != null && !StepInputs.DETECTIONS.equals(output)) {
                problems.add(new Problem(id, "when", "tests the count or classes of step '" + reported + "', a "
                        + tested.componentName() + " step whose output is an " + output + "; only steps that"
                        + " report detections (detect) have them"));
            }
        }
        failedTests(condition).forEach(tested -> {
            PipelineDefinition.Step target = byId.get(tested);
            if (target != null && !Boolean.TRUE.equals(target.optional())) {
                problems.add(new Problem(id, "when", "tests " + tested + ".status == 'Failed', which never holds"
                        + " here: when " + tested + " fails the run fails and this step is skipped; mark "
                        + tested + " \"optional\": true to run this step as its fallback"));
            }
        });
        return condition;
    }

    private static List<String> failedTests(StepCondition condition) {
        return switch (condition) {
            case StepCondition.StatusTest test -> test.equal() && test.status().equals("Failed")
                    ? List.of(test.stepId()) : List.of();
            case StepCondition.AnyOf any -> any.conditions().stream().flatMap(c -> failedTests(c).stream()).toList();
            case StepCondition.AllOf all -> all.conditions().stream().flatMap(c -> failedTests(c).stream()).toList();
            default -> List.of();
        };
    }

    /** The steps {@code id} comes after, directly or through others (safe on cycles, which are reported apart). */
    static Set<String> ancestors(String id, Map<String, PipelineDefinition.Step> byId) {
        Set<String> found = new java.util.LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        PipelineDefinition.Step step = byId.get(id);
        if (step != null && step.dependencies() != null) {
            pending.addAll(step.dependencies());
        }
        while (!pending.isEmpty()) {
            String next = pending.poll();
            PipelineDefinition.Step dependency = byId.get(next);
            if (dependency != null && !next.equals(id) && found.add(next) && dependency.dependencies() != null) {
                pending.addAll(dependency.dependencies());
            }
        }
        return found;
    }

    static void checkParameters(String id, Component component, Map<String, Object> parameters,
            List<Problem> problems) {
        for (Map.Entry<String, Object> entry : parameters.entrySet()) {
            String field = "parameters." + entry.getKey();
            ParameterSpec spec = component.parameters().get(entry.getKey());
            if (spec == null) {
                problems.add(new Problem(id, field, "unknown parameter '" + entry.getKey() + "' for component "
                        + component.name() + "; allowed: " + String.join(", ", component.parameters().keySet())));
                continue;
            }
            String typeProblem = ParameterTypes.check(spec, entry.getValue());
            if (typeProblem != null) {
                problems.add(new Problem(id, field, typeProblem));
                continue;
            }
            for (Map.Entry<String, List<String>> condition : spec.when().entrySet()) {
                Object actual = parameters.get(condition.getKey());
                if (actual == null || !condition.getValue().contains(actual.toString())) {
                    problems.add(new Problem(id, field, "parameter '" + entry.getKey() + "' applies only when "
                            + condition.getKey() + " is " + String.join(" or ", condition.getValue())
                            + (actual == null ? "" : ", not " + actual)));
                }
            }
        }
        component.parameters().forEach((name, spec) -> {
            if (spec.required() && parameters.get(name) == null) {
                problems.add(new Problem(id, "parameters." + name, "parameter '" + name + "' is required"
                        + (spec.enumValues() == null ? "" : "; allowed values: " + String.join(", ",
                                spec.enumValues()))));
            }
        });
        if (!component.requireAny().isEmpty() && component.requireAny().stream().noneMatch(parameters::containsKey)) {
            problems.add(new Problem(id, "parameters", "component " + component.name() + " needs at least one of "
                    + String.join(", ", component.requireAny())));
        }
    }

    private static PipelineDefinition.Resources resources(String id, PipelineDefinition.Resources given,
            Component component, List<Problem> problems) {
        PipelineDefinition.Resources defaults = component == null ? new PipelineDefinition.Resources("500m",
                "512Mi", 0) : component.resources();
        String cpu = given == null || given.cpu() == null ? defaults.cpu() : given.cpu();
        String memory = given == null || given.memory() == null ? defaults.memory() : given.memory();
        int gpu = given == null || given.gpu() == null ? defaults.gpu() : given.gpu();
        if (!CPU.matcher(cpu).matches()) {
            problems.add(new Problem(id, "resources.cpu", "'" + cpu + "' is not a CPU quantity such as 500m or 2"));
        }
        if (!MEMORY.matcher(memory).matches()) {
            problems.add(new Problem(id, "resources.memory", "'" + memory + "' is not a memory quantity such as"
                    + " 512Mi or 2Gi"));
        }
        if (gpu < 0 || gpu > 8) {
            problems.add(new Problem(id, "resources.gpu", "must be between 0 and 8, got " + gpu));
        }
        return new PipelineDefinition.Resources(cpu, memory, gpu);
    }

    private static int range(Integer value, int fallback, int min, int max, String id, String field,
            List<Problem> problems) {
        int actual = value == null ? fallback : value;
        if (actual < min || actual > max) {
            problems.add(new Problem(id, field, "must be between " + min + " and " + max + ", got " + actual));
        }
        return actual;
    }

    private static void requireText(String value, String id, String field, List<Problem> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem(id, field, "is required"));
        }
    }

    /** Kahn's topological sort in definition order; whatever is left over lies on or behind a cycle. */
    private static List<String> order(Map<String, PipelineDefinition.Step> byId, List<Problem> problems) {
        Map<String, Integer> pending = new LinkedHashMap<>();
        Map<String, List<String>> dependants = new HashMap<>();
        byId.forEach((id, step) -> {
            List<String> deps = step.dependencies() == null ? List.of() : step.dependencies().stream()
                    .filter(byId::containsKey).filter(d -> !d.equals(id)).distinct().toList();
            pending.put(id, deps.size());
            deps.forEach(d -> dependants.computeIfAbsent(d, k -> new ArrayList<>()).add(id));
        });
        Deque<String> ready = new ArrayDeque<>();
        pending.forEach((id, count) -> {
            if (count == 0) {
                ready.add(id);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (String dependant : dependants.getOrDefault(id, List.of())) {
                if (pending.merge(dependant, -1, Integer::sum) == 0) {
                    ready.add(dependant);
                }
            }
        }
        if (order.size() < byId.size()) {
            Set<String> cyclic = new HashSet<>(byId.keySet());
            order.forEach(cyclic::remove);
            String start = byId.keySet().stream().filter(cyclic::contains).findFirst().orElseThrow();
            problems.add(new Problem(start, "dependencies", "steps form a cycle: " + cycleFrom(start, byId, cyclic)));
        }
        return order;
    }

    private static String cycleFrom(String start, Map<String, PipelineDefinition.Step> byId, Set<String> cyclic) {
        List<String> path = new ArrayList<>();
        String current = start;
        while (!path.contains(current)) {
            path.add(current);
            String from = current;
            current = byId.get(from).dependencies().stream().filter(cyclic::contains).findFirst().orElse(null);
            if (current == null) {
                break;
            }
        }
        if (current != null) {
            path = path.subList(path.indexOf(current), path.size());
            path = new ArrayList<>(path);
            path.add(current);
        }
        return String.join(" -> ", path.stream().map(Objects::toString).toList()) + " (each depends on the next)";
    }
}
