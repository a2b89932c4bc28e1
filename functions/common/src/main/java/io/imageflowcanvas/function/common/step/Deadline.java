package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.problem.UnavailableException;
import java.time.Instant;

/**
 * The caller's deadline, checked between a step's phases: once the caller has stopped waiting, the function stops
 * too (nothing is written; a native decode or filter in progress cannot be interrupted, so the checks sit around
 * them).
 */
final class Deadline {

    private Deadline() {
    }

    static void check(StepRequest request, String where) {
        if (request.deadline() != null && Instant.now().isAfter(request.deadline())) {
            throw new Passed("the caller's deadline " + request.deadline() + " passed " + where
                    + "; nothing was written (a retry with a new deadline does the work)");
        }
    }

    /** 503, retryable: the caller has given up on this answer, not on the work. */
    static final class Passed extends UnavailableException {
        Passed(String message) {
            super("deadline-passed", "deadline", message, null);
        }
    }
}
