package io.imageflowcanvas.function.common.web;

import java.util.Map;

/**
 * One part of a function's health, beside its liveness and readiness: detect's models. Every bean of this type is
 * reported under its bean name at {@code /actuator/health}, details included, and one that is down makes the
 * function's health DOWN (503). Readiness, which Knative asks, does not include it: a function whose part is down
 * still answers, with a problem that names the part.
 */
@FunctionalInterface
public interface HealthCheck {

    /** The part's state now. Its details go to any caller: nothing in them a caller should not read. */
    Result check();

    /** Up or down, with details (a map of JSON values). */
    record Result(boolean up, Map<String, Object> details) {

        public static Result up(Map<String, Object> details) {
            return new Result(true, details);
        }

        public static Result down(Map<String, Object> details) {
            return new Result(false, details);
        }
    }
}
