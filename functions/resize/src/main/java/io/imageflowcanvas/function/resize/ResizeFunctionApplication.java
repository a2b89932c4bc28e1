package io.imageflowcanvas.function.resize;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.common.web.FunctionApplication;
import io.imageflowcanvas.function.common.web.StepFunctions;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** The resize function: {@code POST /} with a {@code io.imageflowcanvas.step.resize.requested} CloudEvent. */
@SpringBootApplication
public class ResizeFunctionApplication {

    public static void main(String[] args) {
        FunctionApplication.run(ResizeFunctionApplication.class, args);
    }

    @Bean
    Function<Message<StepRequest>, Message<StepResult>> resize(StepFunctions functions) {
        return functions.of(new ResizeStep());
    }
}
