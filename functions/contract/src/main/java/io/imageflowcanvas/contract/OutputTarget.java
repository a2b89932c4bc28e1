package io.imageflowcanvas.contract;

/**
 * Where a step writes: a bucket, a key prefix (empty for the bucket's root) and optionally a name for the output
 * (a pipeline passes its step id); without a name the input's name and the step type are used.
 */
public record OutputTarget(String bucket, String prefix, String name) {

    public OutputTarget(String bucket, String prefix) {
        this(bucket, prefix, null);
    }
}
