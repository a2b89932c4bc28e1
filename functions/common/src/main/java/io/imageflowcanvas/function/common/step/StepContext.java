package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.ObjectRef;
import java.util.Map;

/**
 * What a step knows of its request beyond the decoded image: the input object, the object the whole chain started
 * from ({@code origin}: the run's input, kept on every output as {@code imageflow-origin}), and the named inputs it
 * declares, already read.
 */
public record StepContext(ObjectRef input, ObjectRef origin, Map<String, NamedInput> inputs) {

    /** A named input: the exact version read and its bytes (small documents, such as a detections report). */
    public record NamedInput(ObjectRef ref, byte[] data) {
    }

    public NamedInput input(String name) {
        NamedInput input = inputs.get(name);
        if (input == null) {
            throw new IllegalStateException("input " + name + " was not read: declare it in namedInputs()");
        }
        return input;
    }
}
