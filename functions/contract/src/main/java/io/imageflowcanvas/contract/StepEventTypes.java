package io.imageflowcanvas.contract;

/**
 * CloudEvent types of the step contract. A function named {@code resize} accepts
 * {@code io.imageflowcanvas.step.resize.requested} and answers {@code io.imageflowcanvas.step.resize.completed}
 * or, when the step fails, {@code io.imageflowcanvas.step.resize.failed} with a problem document as data.
 */
public final class StepEventTypes {

    public static final String PREFIX = "io.imageflowcanvas.step.";
    public static final String REQUESTED = ".requested";
    public static final String COMPLETED = ".completed";
    public static final String FAILED = ".failed";
    /** The {@code source} attribute of events a function emits, followed by the step type. */
    public static final String SOURCE_PREFIX = "/imageflowcanvas/functions/";

    private StepEventTypes() {
    }

    public static String requested(String stepType) {
        return PREFIX + stepType + REQUESTED;
    }

    public static String completed(String stepType) {
        return PREFIX + stepType + COMPLETED;
    }

    public static String failed(String stepType) {
        return PREFIX + stepType + FAILED;
    }

    public static String source(String stepType) {
        return SOURCE_PREFIX + stepType;
    }

    /** The step type a requested-event type names, or null when the type is not a step request. */
    public static String stepTypeOf(String eventType) {
        if (eventType == null || !eventType.startsWith(PREFIX) || !eventType.endsWith(REQUESTED)) {
            return null;
        }
        String type = eventType.substring(PREFIX.length(), eventType.length() - REQUESTED.length());
        return type.isEmpty() || type.contains(".") ? null : type;
    }
}
