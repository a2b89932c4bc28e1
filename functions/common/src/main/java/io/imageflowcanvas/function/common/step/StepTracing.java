package io.imageflowcanvas.function.common.step;

import java.time.Instant;

/**
 * Spans for the phases of a step (find an earlier output, read, decode, the step's own work, write), children of
 * the span of the request that runs it. Function apps back it with their tracer; {@link #NONE} records nothing.
 */
@FunctionalInterface
public interface StepTracing {

    StepTracing NONE = (name, start, end) -> {
    };

    /** Records a phase that has ended. */
    void phase(String name, Instant start, Instant end);
}
