package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import java.time.Duration;

/** Calls one function with one step request; {@link HttpStepInvoker} does it with CloudEvents over HTTP. */
public interface StepInvoker {

    /** Runs {@code request} on {@code component}, giving up after {@code timeout}; throws StepCallException. */
    StepResult invoke(String component, StepRequest request, Duration timeout);
}
