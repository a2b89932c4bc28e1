package io.imageflowcanvas.cli;

import static io.imageflowcanvas.cli.CliRun.imageflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.testing.Photos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the repository shows of the compiler's output is what it renders now. */
class RenderedExamplesTests {

    private static final Path ROOT = Photos.repositoryRoot();

    private static List<Path> files(Path folder) throws Exception {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
        }
    }

    @Test
    void argoEventsFolderHoldsTheDefaultPipelineAsRendered(@TempDir Path fresh) throws Exception {
        CliRun render = imageflow("render", "--output-dir", fresh.toString());
        assertThat(render.code()).as(render.err()).isEqualTo(ExitCodes.OK);
        assertSameFiles(ROOT.resolve("argo-events"), fresh, "argo-events/ differs from what the compiler renders"
                + " now; regenerate it with ./imageflow render --output-dir argo-events");
    }

    private static void assertSameFiles(Path committed, Path fresh, String regenerate) throws Exception {
        assertThat(files(committed)).as(regenerate).isEqualTo(files(fresh));
        for (Path file : files(fresh)) {
            assertThat(Files.readString(committed.resolve(file))).as(regenerate + " (" + file + ")")
                    .isEqualTo(Files.readString(fresh.resolve(file)));
        }
    }

    @Test
    void everyCommittedObjectMatchesItsSchema() throws Exception {
        Path committed = ROOT.resolve("argo-events");
        YAMLMapper yaml = new YAMLMapper();
        int argoObjects = 0;
        for (Path file : files(committed)) {
            try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class)
                    .readValues(committed.resolve(file).toFile())) {
                for (JsonNode document : documents.readAll()) {
                    if (ManifestValidator.covers(document)) {
                        argoObjects++;
                        assertThat(ManifestValidator.problems(document)).as(file + " " + document.at("/metadata/name"))
                                .isEmpty();
                    }
                }
            }
        }
        // Camera events are the cluster server's: the bucket's EventSource is the only one.
        assertThat(argoObjects).as("EventBus, WorkflowTemplate, an EventSource, Sensor, and the RBAC objects:"
                + " two ServiceAccounts, a Secret, two Roles, two RoleBindings").isEqualTo(11);
    }

    @Test
    void knativeBaseHoldsEveryRegisteredFunctionAsRendered(@TempDir Path fresh) throws Exception {
        CliRun render = imageflow("render", "--knative", fresh.toString());
        assertThat(render.code()).as(render.err()).isEqualTo(ExitCodes.OK);
        assertSameFiles(ROOT.resolve("knative/base"), fresh, "knative/base differs from what the component registry"
                + " renders now; regenerate it with ./imageflow render --knative knative/base");
    }

    /**
     * Generated YAML is linked, not pasted: the README shows no manifest, and the cluster page links every file
     * the compiler keeps in argo-events/.
     */
    @Test
    void docsLinkTheRenderedObjectsInsteadOfPastingThem() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).doesNotContain("apiVersion:").contains("(argo-events)");
        String cluster = Files.readString(ROOT.resolve("docs/cluster.md"));
        for (Path file : files(ROOT.resolve("argo-events"))) {
            if (!file.endsWith("kustomization.yaml")) {
                assertThat(cluster).as("docs/cluster.md links " + file).contains("(../argo-events/" + file + ")");
                assertThat(ROOT.resolve("argo-events").resolve(file)).exists();
            }
        }
    }
}
