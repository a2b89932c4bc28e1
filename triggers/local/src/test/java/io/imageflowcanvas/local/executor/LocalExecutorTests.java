package io.imageflowcanvas.local.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.local.LocalFunctions;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.executor.RunOutcome.StepStatus;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local executor against the real functions and the real in-process S3 server. */
class LocalExecutorTests {

    private static final PipelineValidator VALIDATOR = new PipelineValidator(ComponentRegistry.builtIn());
    private static LocalFunctions local;
    private static MinioClient s3;
    private static LocalExecutor executor;
    private static Map<String, URI> functions;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("imageflow-executor-");
        local = LocalFunctions.start(LocalSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, data.toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString())));
        s3 = MinioClient.builder().endpoint(local.s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
        functions = Map.of("resize", URI.create("http://127.0.0.1:" + local.port("resize") + "/"),
                "filter", URI.create("http://127.0.0.1:" + local.port("filter") + "/"),
                "detect", URI.create("http://127.0.0.1:" + local.port("detect") + "/"));
        executor = new LocalExecutor(new HttpStepInvoker(functions));
    }

    @AfterAll
    static void stop() throws Exception {
        executor.close();
        local.close();
    }

    private static ObjectRef put(String key, byte[] data) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("raw").object(key).data(data, data.length)
                .contentType("image/jpeg").build());
        return ObjectRef.of("raw", key);
    }

    private static List<String> processed(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket("processed").prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static ValidatedPipeline pipeline(String steps, String global) {
        return VALIDATOR.validate(PipelineDefinitions.parse("""
                {"pipelineId": "t", "name": "test", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [%s], "globalParameters": {%s}}
                """.formatted(steps, global)));
    }

    @Test
    void runsDefaultPipelineInDagOrderPassingOutputsAlong() throws Exception {
        ObjectRef input = put("cam 1/dog.jpg", Photos.bytes("dog.jpg"));
        RecordingListener listener = new RecordingListener();
        RunOutcome outcome = executor.run(VALIDATOR.validate(PipelineDefinitions.defaultPipeline()), "run-dag",
                input, listener);

        assertThat(outcome.status()).as(listener.events().toString()).isEqualTo(RunOutcome.Status.SUCCEEDED);
        StepResult resize = outcome.steps().get("resize").result();
        StepResult detect = outcome.steps().get("detect").result();
        StepResult filter = outcome.steps().get("filter").result();
        assertThat(detect.input().key()).isEqualTo(resize.output().key());
        assertThat(filter.input().key()).isEqualTo(resize.output().key());
        assertThat(resize.output().key()).isEqualTo("cam 1/dog.jpg/resize.jpg");
        assertThat(detect.output().key()).isEqualTo("cam 1/dog.jpg/detect.json");
        assertThat(((Number) detect.metadata().get("count")).intValue()).isPositive();
        assertThat(processed("cam 1/dog.jpg/")).hasSize(4);

        List<String> events = listener.events();
        assertThat(events.indexOf("started detect #1")).isGreaterThan(events.indexOf("succeeded resize"));
        assertThat(events.indexOf("started filter #1")).isGreaterThan(events.indexOf("succeeded resize"));
        assertThat(events.getLast()).isEqualTo("finished SUCCEEDED");
    }

    private static final String THREE_FILTERS = """
            {"stepId": "resize", "componentName": "resize", "parameters": {"width": 300}},
            {"stepId": "blur", "componentName": "filter", "dependencies": ["resize"], "parameters": {"type": "gaussian"}},
            {"stepId": "gray", "componentName": "filter", "dependencies": ["resize"], "parameters": {"type": "grayscale"}},
            {"stepId": "edges", "componentName": "filter", "dependencies": ["resize"], "parameters": {"type": "edges"}}
            """;

    @Test
    void capsTheWaitBetweenAttemptsHoweverTheBackoffGrows() {
        ValidatedPipeline.Step step = pipeline("""
                {"stepId": "slow", "componentName": "resize", "parameters": {"width": 10},
                 "retryPolicy": {"maxRetries": 10, "backoffFactor": 10, "initialBackoffMillis": 60000}}
                """, "").step("slow");
        assertThat(LocalExecutor.backoffMillis(step, 1)).isEqualTo(60_000);
        // 60 s x 10^9 uncapped: a run that would wait for centuries after its tenth failure.
        assertThat(LocalExecutor.backoffMillis(step, 10)).isEqualTo(PipelineValidator.MAX_BACKOFF.toMillis());
    }

    @Test
    void runsIndependentStepsSideBySide() throws Exception {
        ObjectRef input = put("parallel/dog.jpg", Photos.bytes("dog.jpg"));
        // Each of the three filters waits, before its call, until all three have started: only possible when the
        // executor runs them at the same time. A sequential executor would leave the latch at 2 and time out.
        CountDownLatch allStarted = new CountDownLatch(3);
        RecordingListener listener = new RecordingListener(stepId -> {
            if (!stepId.equals("resize")) {
                allStarted.countDown();
                await(allStarted);
            }
        }, stepId -> { });
        RunOutcome outcome = executor.run(pipeline(THREE_FILTERS, "\"parallelism\": 3"), "run-parallel", input,
                listener);
        assertThat(outcome.status()).isEqualTo(RunOutcome.Status.SUCCEEDED);
        assertThat(allStarted.getCount()).isZero();
        assertThat(listener.maxRunning()).isEqualTo(3);
    }

    @Test
    void neverRunsMoreStepsAtOnceThanTheParallelismLimit() throws Exception {
        ObjectRef input = put("serial/dog.jpg", Photos.bytes("dog.jpg"));
        RecordingListener listener = new RecordingListener();
        RunOutcome outcome = executor.run(pipeline(THREE_FILTERS, "\"parallelism\": 1"), "run-serial", input,
                listener);
        assertThat(outcome.status()).isEqualTo(RunOutcome.Status.SUCCEEDED);
        assertThat(listener.maxRunning()).isEqualTo(1);
    }

    @Test
    void retriesWhenStorageIsDownAndSucceedsOnceItIsBack() throws Exception {
        ObjectRef input = put("flaky/dog.jpg", Photos.bytes("dog.jpg"));
        local.stopStorage();
        RecordingListener listener = new RecordingListener(stepId -> { }, stepId -> {
            try {
                local.startStorage();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RunOutcome outcome = executor.run(pipeline("""
                {"stepId": "resize", "componentName": "resize", "parameters": {"width": 300},
                 "retryPolicy": {"maxRetries": 3, "initialBackoffMillis": 100}}""", ""), "run-flaky", input,
                listener);
        assertThat(outcome.status()).as(listener.events().toString()).isEqualTo(RunOutcome.Status.SUCCEEDED);
        assertThat(outcome.steps().get("resize").attempts()).isEqualTo(2);
        assertThat(listener.events().get(1)).startsWith("retrying resize: resize answered 503");
    }

    @Test
    void neverRetriesBadInputAndSkipsDependants() throws Exception {
        ObjectRef input = put("bad/truncated.jpg", ImageFixtures.truncatedJpeg(0.5));
        RecordingListener listener = new RecordingListener();
        RunOutcome outcome = executor.run(VALIDATOR.validate(PipelineDefinitions.defaultPipeline()), "run-bad",
                input, listener);
        assertThat(outcome.status()).isEqualTo(RunOutcome.Status.FAILED);
        RunOutcome.StepOutcome resize = outcome.steps().get("resize");
        assertThat(resize.status()).isEqualTo(StepStatus.FAILED);
        assertThat(resize.attempts()).isEqualTo(1);
        assertThat(resize.error()).contains("answered 422", "truncated", "not retried");
        assertThat(outcome.steps().get("detect").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(outcome.steps().get("filter").error()).isEqualTo("dependency resize failed");
        assertThat(processed("bad/")).isEmpty();
    }

    @Test
    void failFastSkipsStepsNotYetStartedWhileContinueRunsThem() throws Exception {
        ObjectRef input = put("failfast/dog.jpg", Photos.bytes("dog.jpg"));
        // The registry accepts this resize, the function refuses it (stretching needs both sides): a 422.
        String steps = """
                {"stepId": "stretch", "componentName": "resize", "parameters": {"width": 100, "keepAspectRatio": false}},
                {"stepId": "blur", "componentName": "filter", "parameters": {"type": "gaussian"}}""";
        RunOutcome failFast = executor.run(pipeline(steps, "\"parallelism\": 1, \"failFast\": true"), "run-ff",
                input, new RecordingListener());
        assertThat(failFast.steps().get("stretch").status()).isEqualTo(StepStatus.FAILED);
        assertThat(failFast.steps().get("blur").status()).isEqualTo(StepStatus.SKIPPED);
        RunOutcome carryOn = executor.run(pipeline(steps, "\"parallelism\": 1, \"failFast\": false"), "run-co",
                input, new RecordingListener());
        assertThat(carryOn.status()).isEqualTo(RunOutcome.Status.FAILED);
        assertThat(carryOn.steps().get("blur").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void timesOutAStepThatNeverAnswers() throws Exception {
        ObjectRef input = put("hung/dog.jpg", Photos.bytes("dog.jpg"));
        try (ServerSocket hung = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                LocalExecutor stuck = new LocalExecutor(new HttpStepInvoker(Map.of("resize",
                        URI.create("http://127.0.0.1:" + hung.getLocalPort() + "/"))))) {
            List<Socket> accepted = new ArrayList<>();
            Thread.ofVirtual().start(() -> {
                // Accept and read nothing, answer nothing: a function stuck mid-request.
                while (!hung.isClosed()) {
                    try {
                        accepted.add(hung.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            RunOutcome outcome = stuck.run(pipeline("""
                    {"stepId": "resize", "componentName": "resize", "parameters": {"width": 300}, "timeoutSeconds": 1,
                     "retryPolicy": {"maxRetries": 1, "initialBackoffMillis": 10}}""", ""), "run-hung", input,
                    new RecordingListener());
            RunOutcome.StepOutcome resize = outcome.steps().get("resize");
            assertThat(resize.status()).isEqualTo(StepStatus.FAILED);
            assertThat(resize.attempts()).isEqualTo(2);
            assertThat(resize.error()).contains("did not answer within 1 s", "gave up after 2 attempts");
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void handlesKeysWithSpacesPlusPercentAndUnicode() throws Exception {
        String key = "odd keys/a+b%20c ü 猫.jpg";
        ObjectRef input = put(key, Photos.bytes("dog.jpg"));
        RunOutcome outcome = executor.run(VALIDATOR.validate(PipelineDefinitions.defaultPipeline()), "run-odd",
                input, new RecordingListener());
        assertThat(outcome.status()).isEqualTo(RunOutcome.Status.SUCCEEDED);
        assertThat(processed(key + "/")).hasSize(4);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
