package io.imageflowcanvas.argo.compile;

import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;

/** Validated pipelines for the tests: the default one, and others from JSON text. */
public final class Pipelines {

    private Pipelines() {
    }

    public static ValidatedPipeline defaultPipeline() {
        return new PipelineValidator(ComponentRegistry.builtIn()).validate(PipelineDefinitions.defaultPipeline());
    }

    public static ValidatedPipeline of(String json) {
        return new PipelineValidator(ComponentRegistry.builtIn()).validate(PipelineDefinitions.parse(json));
    }

    /** Four steps in a diamond, a GPU step, custom retries and timeouts, a filtered bucket trigger. */
    public static ValidatedPipeline diamond() {
        return of("""
                {"pipelineId": "diamond", "name": "Diamond", "version": "2",
                 "trigger": {"bucket": "inbox", "prefix": "cams/front (1)/", "suffix": ".jpg"},
                 "steps": [
                   {"stepId": "small", "componentName": "resize", "parameters": {"width": 640},
                    "retryPolicy": {"maxRetries": 5, "backoffFactor": 3, "initialBackoffMillis": 200}},
                   {"stepId": "objects", "componentName": "detect", "dependencies": ["small"],
                    "parameters": {"confidence": 0.3, "classes": "person,dog"}, "timeoutSeconds": 45},
                   {"stepId": "edges", "componentName": "filter", "dependencies": ["small"],
                    "parameters": {"type": "edges"}, "retryPolicy": {"maxRetries": 0}},
                   {"stepId": "gray", "componentName": "filter", "dependencies": ["edges", "objects"],
                    "parameters": {"type": "grayscale"}}
                 ],
                 "globalParameters": {"parallelism": 3, "failFast": true, "outputBucket": "results"}}
                """);
    }
}
