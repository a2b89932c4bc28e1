package io.imageflowcanvas.function.filter;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.common.web.FunctionApplication;
import io.imageflowcanvas.function.common.web.StepFunctions;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** The filter function: {@code POST /} with a {@code io.imageflowcanvas.step.filter.requested} CloudEvent. */
@SpringBootApplication
public class FilterFunctionApplication {

    public static void main(String[] args) {
        FunctionApplication.run(FilterFunctionApplication.class, args);
    }

    @Bean
    Function<Message<StepRequest>, Message<StepResult>> filter(StepFunctions functions) {
        return functions.of(new FilterStep());
    }
}
