package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The runs' duration histogram in Prometheus' text format: cumulative buckets, +Inf, sum and count per series. */
class RunDurationsTests {

    @Test
    void countsEachRunInItsBucketAndEveryOneAbove() {
        RunDurations durations = new RunDurations();
        durations.record("default", true, Duration.ofMillis(800));
        durations.record("default", true, Duration.ofSeconds(7));
        durations.record("default", false, Duration.ofMinutes(20));
        durations.record("a \"quoted\" id", true, Duration.ofMillis(100));
        String text = durations.exposition();
        assertThat(text).startsWith("# HELP imageflow_pipeline_execution_duration_seconds ")
                .contains("# TYPE imageflow_pipeline_execution_duration_seconds histogram\n")
                .contains("imageflow_pipeline_execution_duration_seconds_bucket{pipeline=\"default\","
                        + "status=\"Succeeded\",le=\"0.5\"} 0\n")
                .contains("{pipeline=\"default\",status=\"Succeeded\",le=\"1.0\"} 1\n")
                .contains("{pipeline=\"default\",status=\"Succeeded\",le=\"5.0\"} 1\n")
                .contains("{pipeline=\"default\",status=\"Succeeded\",le=\"10.0\"} 2\n")
                .contains("{pipeline=\"default\",status=\"Succeeded\",le=\"+Inf\"} 2\n")
                .contains("imageflow_pipeline_execution_duration_seconds_sum{pipeline=\"default\","
                        + "status=\"Succeeded\"} 7.800000\n")
                .contains("imageflow_pipeline_execution_duration_seconds_count{pipeline=\"default\","
                        + "status=\"Succeeded\"} 2\n")
                .contains("{pipeline=\"default\",status=\"Failed\",le=\"600.0\"} 0\n")
                .contains("{pipeline=\"default\",status=\"Failed\",le=\"+Inf\"} 1\n")
                .contains("{pipeline=\"a \\\"quoted\\\" id\",status=\"Succeeded\",le=\"0.5\"} 1\n");
        assertThat(RunDurations.BUCKETS).isEqualTo(
                io.imageflowcanvas.argo.compile.PipelineCompiler.RUN_DURATION_BUCKETS);
    }
}
