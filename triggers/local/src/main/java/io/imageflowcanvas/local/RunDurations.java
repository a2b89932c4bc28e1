package io.imageflowcanvas.local;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long the runner's runs took, by pipeline and final status: the histogram the cluster's WorkflowTemplates
 * declare ({@code imageflow_pipeline_execution_duration_seconds}, the same buckets and statuses as Argo names them),
 * in Prometheus text format at {@code GET /api/metrics}. Kept since the runner started.
 */
final class RunDurations {

    static final String NAME = "imageflow_pipeline_execution_duration_seconds";
    /** The WorkflowTemplates' buckets, so local and cluster figures compare. */
    static final List<Double> BUCKETS = io.imageflowcanvas.argo.compile.PipelineCompiler.RUN_DURATION_BUCKETS;

    /** Counts per bucket (the last one +Inf), and the sum. */
    private static final class Series {
        final long[] counts = new long[BUCKETS.size() + 1];
        double sum;
    }

    private final Map<String, Series> series = new TreeMap<>();

    /** A finished run: {@code succeeded} as Argo's Succeeded, else Failed. */
    synchronized void record(String pipelineId, boolean succeeded, Duration duration) {
        double seconds = duration.toNanos() / 1e9;
        Series one = series.computeIfAbsent("pipeline=\"" + escape(pipelineId) + "\",status=\""
                + (succeeded ? "Succeeded" : "Failed") + "\"", key -> new Series());
        int bucket = 0;
        while (bucket < BUCKETS.size() && seconds > BUCKETS.get(bucket)) {
            bucket++;
        }
        one.counts[bucket]++;
        one.sum += seconds;
    }

    /** The histogram in Prometheus' text exposition format (cumulative buckets, +Inf, sum, count). */
    synchronized String exposition() {
        StringBuilder text = new StringBuilder("# HELP " + NAME + " Seconds a pipeline run took, from start to its"
                + " final status\n# TYPE " + NAME + " histogram\n");
        series.forEach((labels, one) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.size(); i++) {
                cumulative += one.counts[i];
                String le = i < BUCKETS.size() ? String.format(Locale.ROOT, "%s", BUCKETS.get(i)) : "+Inf";
                text.append(NAME).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
                        .append(cumulative).append('\n');
            }
            text.append(NAME).append("_sum{").append(labels).append("} ")
                    .append(String.format(Locale.ROOT, "%.6f", one.sum)).append('\n');
            text.append(NAME).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
        });
        return text.toString();
    }

    /** A label value as the text format quotes it. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
