package io.imageflowcanvas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.FunctionCatalog;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.testing.Photos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A function is one folder under functions/ plus one entry in the component registry (docs/layout.md). This fails
 * when a function folder is not registered, a registered function is not hosted on one machine (its application
 * is not on the local host's class path), or it is not deployed on a cluster (no Knative Service in knative/base).
 */
class FunctionRegistrationTests {

    private static final Path ROOT = Photos.repositoryRoot();

    /** Folders under functions/ that hold a function: a step of their own under io/imageflowcanvas/function/. */
    private static List<String> functionFolders() throws Exception {
        try (Stream<Path> folders = Files.list(ROOT.resolve("functions"))) {
            return folders.filter(folder -> Files.isDirectory(folder.resolve("src/main/java/io/imageflowcanvas"
                    + "/function").resolve(folder.getFileName().toString())))
                    .filter(folder -> !List.of("common", "local").contains(folder.getFileName().toString()))
                    .map(folder -> folder.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyFunctionFolderIsRegisteredHostedAndDeployed() throws Exception {
        List<String> folders = functionFolders();
        assertThat(folders).as("function folders").contains("resize", "filter", "detect");
        assertThat(FunctionCatalog.names()).as("the registry (components.json) names each function folder, no more")
                .containsExactlyInAnyOrderElementsOf(folders);
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        String hostPom = Files.readString(ROOT.resolve("functions/local/pom.xml"));
        String knative = Files.readString(ROOT.resolve("knative/base/kustomization.yaml"));
        for (FunctionCatalog.Function function : FunctionCatalog.builtIn()) {
            String name = function.name();
            assertThat(rootPom).as(name + " is a module of the build").contains("<module>functions/" + name + "</module>");
            assertThat(hostPom).as(name + " is on the local host's class path")
                    .contains("<artifactId>imageflow-function-" + name + "</artifactId>");
            assertThat(Class.forName(function.application())).as(name + "'s application loads").isNotNull();
            assertThat(LocalSettings.from(java.util.Map.of()).functionPorts()).as(name + " has a local port")
                    .containsKey(name);
            assertThat(ComponentRegistry.builtIn().component(name)).as(name + " has parameters").isPresent();
            assertThat(knative).as(name + " is deployed by knative/base").contains("  - " + name + ".yaml");
            assertThat(ROOT.resolve("knative/base/" + name + ".yaml")).exists();
        }
    }
}
