package io.imageflowcanvas.function.common.contract;

/** Where a step writes: a bucket and a key prefix (empty for the bucket's root). */
public record OutputTarget(String bucket, String prefix) {
}
