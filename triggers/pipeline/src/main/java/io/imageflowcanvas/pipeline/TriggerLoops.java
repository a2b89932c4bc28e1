package io.imageflowcanvas.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pipelines whose outputs can trigger each other in a circle: A writes into the bucket that triggers B, B into the
 * bucket that triggers A (or a pipeline into its own). The functions refuse the second round by the outputs'
 * lineage; this names such a circle before anything runs, so a deploy can warn about it.
 */
public final class TriggerLoops {

    private TriggerLoops() {
    }

    /** One sentence for each circle that {@code added} closes among {@code deployed} (added included or not). */
    public static List<String> closedBy(ValidatedPipeline added, List<ValidatedPipeline> deployed) {
        Map<String, ValidatedPipeline> pipelines = new LinkedHashMap<>();
        deployed.forEach(p -> pipelines.put(p.pipelineId(), p));
        pipelines.put(added.pipelineId(), added);
        List<String> found = new ArrayList<>();
        List<String> path = new ArrayList<>(List.of(added.pipelineId()));
        search(added, added, pipelines, path, found);
        return found;
    }

    private static void search(ValidatedPipeline start, ValidatedPipeline at, Map<String, ValidatedPipeline> all,
            List<String> path, List<String> found) {
        for (ValidatedPipeline next : all.values()) {
            if (!feeds(at, next)) {
                continue;
            }
            if (next.pipelineId().equals(start.pipelineId())) {
                List<String> circle = new ArrayList<>(path);
                circle.add(start.pipelineId());
                found.add("pipelines " + String.join(" -> ", circle) + " feed each other: each writes into the"
                        + " bucket that triggers the next (the functions refuse the second round)");
            } else if (!path.contains(next.pipelineId())) {
                path.add(next.pipelineId());
                search(start, next, all, path, found);
                path.removeLast();
            }
        }
    }

    /**
     * Whether {@code from}'s outputs can start {@code to}: they land in its trigger bucket under the input's key
     * ({@code <key>/<step>.<ext>}), so under {@code from}'s own prefix; {@code to}'s suffix is not checked (an
     * output's extension depends on its parameters).
     */
    static boolean feeds(ValidatedPipeline from, ValidatedPipeline to) {
        PipelineDefinition.Trigger trigger = to.trigger();
        if (trigger.bucket() == null || !trigger.bucket().equals(from.outputBucket())) {
            return false;
        }
        String written = from.trigger().prefix() == null ? "" : from.trigger().prefix();
        String wanted = trigger.prefix() == null ? "" : trigger.prefix();
        return written.startsWith(wanted) || wanted.startsWith(written);
    }
}
