package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.testsupport.CloudEventClient;
import io.imageflowcanvas.function.common.testsupport.ImageFixtures;
import io.imageflowcanvas.function.common.testsupport.StepFunctionContractTests;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResizeFunctionTests extends StepFunctionContractTests {

    @Override
    protected String stepType() {
        return "resize";
    }

    @Override
    protected Map<String, Object> validParameters() {
        return Map.of("width", 200, "height", 150);
    }

    @Test
    void fitsJpegInsideBox() throws Exception {
        s3.put(RAW, "resize/fit.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = send("resize/fit.jpg", Map.of("width", 200, "height", 200));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.body().at("/metadata/width").asInt()).isEqualTo(200);
        assertThat(response.body().at("/metadata/height").asInt()).isEqualTo(133);
    }
}
