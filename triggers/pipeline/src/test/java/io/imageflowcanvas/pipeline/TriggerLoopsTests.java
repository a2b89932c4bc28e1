package io.imageflowcanvas.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerLoopsTests {

    private static final PipelineValidator VALIDATOR = new PipelineValidator(ComponentRegistry.builtIn());

    private static ValidatedPipeline pipeline(String id, String trigger, String output) {
        return VALIDATOR.validate(PipelineDefinitions.parse("""
                {"pipelineId": "%s", "name": "%s", "version": "1", "trigger": %s,
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}],
                 "globalParameters": {"outputBucket": "%s"}}
                """.formatted(id, id, trigger, output)));
    }

    @Test
    void namesTheCircleAPipelineCloses() {
        ValidatedPipeline a = pipeline("a", "{\"bucket\": \"inbox\"}", "middle");
        ValidatedPipeline b = pipeline("b", "{\"bucket\": \"middle\"}", "inbox");
        assertThat(TriggerLoops.closedBy(a, List.of())).isEmpty();
        assertThat(TriggerLoops.closedBy(b, List.of(a))).singleElement().asString().contains("b -> a -> b");
        // Three pipelines: c closes a -> b' -> c -> a.
        ValidatedPipeline bOnward = pipeline("b", "{\"bucket\": \"middle\"}", "last");
        ValidatedPipeline c = pipeline("c", "{\"bucket\": \"last\"}", "inbox");
        assertThat(TriggerLoops.closedBy(c, List.of(a, bOnward))).singleElement().asString()
                .contains("c -> a -> b -> c");
        // A pipeline writing into its own trigger bucket is refused by the validator already.
    }

    @Test
    void leavesChainsAndSeparatePrefixesAlone() {
        ValidatedPipeline a = pipeline("a", "{\"bucket\": \"inbox\"}", "middle");
        ValidatedPipeline b = pipeline("b", "{\"bucket\": \"middle\"}", "out");
        assertThat(TriggerLoops.closedBy(b, List.of(a))).isEmpty();
        // The same bucket, but the outputs land under in/ and the other listens under cams/ only.
        ValidatedPipeline in = pipeline("in", "{\"bucket\": \"raw\", \"prefix\": \"in/\"}", "mid");
        ValidatedPipeline cams = pipeline("cams", "{\"bucket\": \"mid\", \"prefix\": \"cams/\"}", "raw");
        assertThat(TriggerLoops.closedBy(cams, List.of(in))).isEmpty();
        // A camera topic is no bucket anything writes into.
        ValidatedPipeline camera = pipeline("cam", "{\"kafkaTopic\": \"frames\"}", "thumbs");
        assertThat(TriggerLoops.closedBy(camera, List.of())).isEmpty();
    }
}
