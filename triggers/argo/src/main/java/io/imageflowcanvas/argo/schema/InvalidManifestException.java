package io.imageflowcanvas.argo.schema;

import java.util.List;

/** A manifest the upstream schema refuses; the message lists every problem with its path. */
public final class InvalidManifestException extends RuntimeException {

    private final List<String> problems;

    public InvalidManifestException(String manifest, List<String> problems) {
        super(manifest + " does not match the upstream schema:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
