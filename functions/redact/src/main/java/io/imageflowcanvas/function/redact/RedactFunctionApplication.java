package io.imageflowcanvas.function.redact;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.common.web.FunctionApplication;
import io.imageflowcanvas.function.common.web.StepFunctions;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** The redact function: {@code POST /} with a {@code io.imageflowcanvas.step.redact.requested} CloudEvent. */
@SpringBootApplication
public class RedactFunctionApplication {

    public static void main(String[] args) {
        FunctionApplication.run(RedactFunctionApplication.class, args);
    }

    @Bean
    Function<Message<StepRequest>, Message<StepResult>> redact(StepFunctions functions) {
        return functions.of(new RedactStep());
    }
}
