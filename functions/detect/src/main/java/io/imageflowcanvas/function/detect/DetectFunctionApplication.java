package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.common.web.FunctionApplication;
import io.imageflowcanvas.function.common.web.HealthCheck;
import io.imageflowcanvas.function.common.web.StepFunctions;
import io.imageflowcanvas.function.detect.model.EngineSelection;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** The detect function: {@code POST /} with a {@code io.imageflowcanvas.step.detect.requested} CloudEvent. */
@SpringBootApplication
@EnableConfigurationProperties(DetectProperties.class)
public class DetectFunctionApplication {

    public static void main(String[] args) {
        FunctionApplication.run(DetectFunctionApplication.class, args);
    }

    @Bean(destroyMethod = "close")
    ModelCatalog modelCatalog(DetectProperties properties) {
        return ModelCatalog.load(properties.modelDir(), EngineSelection.select(properties.engine()),
                properties.predictors());
    }

    @Bean
    Function<Message<StepRequest>, Message<StepResult>> detect(StepFunctions functions, ModelCatalog catalog,
            DetectProperties properties) {
        String defaultModel = properties.defaultModel() != null ? properties.defaultModel()
                : catalog.models().size() == 1 ? catalog.models().keySet().iterator().next() : null;
        return functions.of(new DetectStep(catalog, defaultModel));
    }

    /** Down, naming the path, when the model folder or any model in it could not be loaded. */
    @Bean
    HealthCheck models(ModelCatalog catalog) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("engine", catalog.engine().engine());
            details.put("engineReason", catalog.engine().reason());
            details.put("modelDir", catalog.directory().toString());
            details.put("models", catalog.models().keySet());
            if (!catalog.failures().isEmpty()) {
                details.put("failures", catalog.failures());
                return HealthCheck.Result.down(details);
            }
            return HealthCheck.Result.up(details);
        };
    }
}
