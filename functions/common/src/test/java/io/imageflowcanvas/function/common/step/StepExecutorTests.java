package io.imageflowcanvas.function.common.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.OutputTarget;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.problem.InputNotFoundException;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.StepException;
import io.imageflowcanvas.contract.problem.StorageUnavailableException;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.storage.ObjectStore;
import io.imageflowcanvas.imaging.storage.S3Client;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.S3TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor against a real S3 server, with a step that passes pixels through. */
class StepExecutorTests {

    /** Copies the image; its only parameter changes the output key. */
    record CopyParameters(int variant, OutputEncoding encoding) {
    }

    static final class CopyStep implements ImageTransform<CopyParameters> {
        @Override
        public String type() {
            return "copy";
        }

        @Override
        public CopyParameters parameters(StepParameters raw) {
            CopyParameters params = new CopyParameters(raw.integer("variant", 0, 9, 0), OutputEncoding.from(raw));
            raw.rejectUnknown("copy");
            return params;
        }

        @Override
        public OutputEncoding encoding(CopyParameters params, ImageInfo input) {
            return params.encoding();
        }

        @Override
        public Mat apply(Mat image, CopyParameters params) {
            return image;
        }
    }

    private final S3TestServer s3 = S3TestServer.start("inbox", "outbox");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StepMetrics metrics = new StepMetrics(registry);
    private final StepExecutor executor = new StepExecutor(store(), ImageLimits.defaults(), metrics);
    private final CopyStep step = new CopyStep();

    private ObjectStore store() {
        return new ObjectStore(new S3Client(s3.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY));
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
    }

    private static StepRequest request(String key, String eTag, Map<String, Object> parameters) {
        return new StepRequest("run-7", "copy-1", new ObjectRef("inbox", key, eTag, null, null, null), parameters,
                new OutputTarget("outbox", "runs/run-7/"));
    }

    @Test
    void sameInputVersionAndParametersGiveSameKeyAndNoSecondDecode() throws Exception {
        s3.put("inbox", "a.jpg", ImageFixtures.photoJpeg());
        StepResult first = executor.execute(step, request("a.jpg", null, Map.of()));
        StepResult second = executor.execute(step, request("a.jpg", null, Map.of("variant", 0)));
        StepResult other = executor.execute(step, request("a.jpg", null, Map.of("variant", 1)));
        assertThat(first.output().key()).startsWith("runs/run-7/a.copy-").endsWith(".jpg");
        assertThat(second.output().key()).isEqualTo(first.output().key());
        assertThat(second.reused()).isTrue();
        assertThat(other.output().key()).isNotEqualTo(first.output().key());
        assertThat(metrics.decodes("copy")).isEqualTo(2.0);
        assertThat(s3.keys("outbox")).hasSize(2);
        assertThat(registry.find("imageflow.step.executions").tag("status", "reused").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void namesOutputAfterTheTargetName() throws Exception {
        s3.put("inbox", "cam/a.jpg", ImageFixtures.photoJpeg());
        StepResult result = executor.execute(step, new StepRequest("run-8", "copy-1",
                ObjectRef.of("inbox", "cam/a.jpg"), Map.of(), new OutputTarget("outbox", "cam/a.jpg", "copy-1")));
        assertThat(result.output().key()).isEqualTo("cam/a.jpg/copy-1.jpg");
    }

    @Test
    void namedOutputIsReusedForTheSameVersionAndReplacedForANewOne() throws Exception {
        OutputTarget target = new OutputTarget("outbox", "cam/a.jpg", "copy-1");
        s3.put("inbox", "cam/a.jpg", ImageFixtures.photoJpeg());
        StepResult first = executor.execute(step, new StepRequest("run-1", "copy-1",
                ObjectRef.of("inbox", "cam/a.jpg"), Map.of(), target));
        StepResult duplicate = executor.execute(step, new StepRequest("run-1", "copy-1",
                ObjectRef.of("inbox", "cam/a.jpg"), Map.of(), target));
        assertThat(duplicate.reused()).isTrue();
        assertThat(duplicate.output().eTag()).isEqualTo(first.output().eTag());

        StepResult otherParameters = executor.execute(step, new StepRequest("run-1", "copy-1",
                ObjectRef.of("inbox", "cam/a.jpg"), Map.of("variant", 3), target));
        assertThat(otherParameters.reused()).isFalse();
        assertThat(otherParameters.output().key()).isEqualTo("cam/a.jpg/copy-1.jpg");

        s3.put("inbox", "cam/a.jpg", ImageFixtures.solidJpeg(40, 30, new org.bytedeco.opencv.opencv_core.Scalar(0.0)));
        StepResult newVersion = executor.execute(step, new StepRequest("run-2", "copy-1",
                ObjectRef.of("inbox", "cam/a.jpg"), Map.of("variant", 3), target));
        assertThat(newVersion.reused()).isFalse();
        assertThat(newVersion.output().key()).isEqualTo("cam/a.jpg/copy-1.jpg");
        assertThat(newVersion.output().eTag()).isNotEqualTo(otherParameters.output().eTag());
        assertThat(newVersion.metadata()).containsEntry("inputWidth", 40);
        assertThat(s3.keys("outbox")).containsExactly("cam/a.jpg/copy-1.jpg");
        assertThat(metrics.decodes("copy")).isEqualTo(3.0);
    }

    @Test
    void refusesInputWhoseETagChanged() throws Exception {
        String eTag = s3.put("inbox", "b.jpg", ImageFixtures.photoJpeg());
        s3.put("inbox", "b.jpg", ImageFixtures.solidJpeg(20, 20, new org.bytedeco.opencv.opencv_core.Scalar(0.0)));
        assertThatThrownBy(() -> executor.execute(step, request("b.jpg", eTag, Map.of())))
                .isInstanceOf(InputNotFoundException.class)
                .hasMessageContaining("no longer has eTag " + eTag);
        assertThat(s3.keys("outbox")).isEmpty();
    }

    @Test
    void refusesAnInputAboveTheByteLimitWithoutRetry() throws Exception {
        byte[] photo = ImageFixtures.photoJpeg();
        s3.put("inbox", "big.jpg", photo);
        StepExecutor strict = new StepExecutor(store(), new ImageLimits(50_000_000L, 1000), metrics);
        assertThatThrownBy(() -> strict.execute(step, request("big.jpg", null, Map.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the input object is " + photo.length + " bytes, above the limit of 1000 bytes")
                .satisfies(e -> assertThat(((StepException) e).retryable()).isFalse());
        assertThat(s3.keys("outbox")).isEmpty();
        assertThat(metrics.decodes("copy")).isZero();
    }

    @Test
    void reportsUnreachableStoreAsRetryable503() throws Exception {
        s3.put("inbox", "c.jpg", ImageFixtures.photoJpeg());
        s3.close();
        assertThatThrownBy(() -> executor.execute(step, request("c.jpg", null, Map.of())))
                .isInstanceOf(StorageUnavailableException.class)
                .satisfies(e -> {
                    StepException failure = (StepException) e;
                    assertThat(failure.status()).isEqualTo(503);
                    assertThat(failure.retryable()).isTrue();
                    assertThat(failure.stepType()).isEqualTo("copy");
                    assertThat(failure.runId()).isEqualTo("run-7");
                })
                .hasMessageContaining("object store failed to stat inbox/c.jpg");
        assertThat(registry.find("imageflow.step.executions").tag("status", "unavailable").counter().count())
                .isEqualTo(1.0);
    }
}
