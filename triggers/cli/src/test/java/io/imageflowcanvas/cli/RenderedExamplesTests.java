package io.imageflowcanvas.cli;

import static io.imageflowcanvas.cli.CliRun.imageflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.function.common.testsupport.Photos;
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
        Path committed = ROOT.resolve("argo-events");
        String regenerate = "argo-events/ differs from what the compiler renders now; regenerate it with"
                + " ./imageflow render --output-dir argo-events";
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
        assertThat(argoObjects).as("EventBus, WorkflowTemplate, two EventSources, Sensor, and the RBAC objects:"
                + " two ServiceAccounts, a Secret, two Roles, two RoleBindings").isEqualTo(12);
    }

    @Test
    void readmeShowsTheDefaultPipelineAsRendered() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("<!-- render:start -->\n```yaml\n");
        int end = readme.indexOf("```\n<!-- render:end -->");
        assertThat(start).as("README has the render block").isPositive();
        String shown = readme.substring(start + "<!-- render:start -->\n```yaml\n".length(), end);
        CliRun render = imageflow("render", "--without-base");
        assertThat(render.code()).as(render.err()).isEqualTo(ExitCodes.OK);
        assertThat(shown).as("README's render block differs from ./imageflow render --without-base; paste the"
                + " new output between the render markers").isEqualTo(render.out());
    }
}
