package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.InvalidInputException;
import io.imageflowcanvas.function.common.contract.StepEventTypes;
import io.imageflowcanvas.function.common.contract.StepRequest;
import io.imageflowcanvas.function.common.contract.StepResult;
import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepExecutor;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.cloud.function.cloudevent.CloudEventMessageBuilder;
import org.springframework.cloud.function.cloudevent.CloudEventMessageUtils;
import org.springframework.messaging.Message;

/**
 * Turns an {@link ImageStep} into the Spring Cloud Function bean a function app exposes: CloudEvent in (binary or
 * structured mode), CloudEvent out. Message-based, because the output event's type and source must be set.
 */
public class StepFunctions {

    private final StepExecutor executor;

    public StepFunctions(StepExecutor executor) {
        this.executor = executor;
    }

    public Function<Message<StepRequest>, Message<StepResult>> of(ImageStep<?> step) {
        return message -> {
            requireEventType(step, message);
            StepResult result = executor.execute(step, message.getPayload());
            return CloudEventMessageBuilder.withData(result)
                    .setId(UUID.randomUUID().toString())
                    .setType(StepEventTypes.completed(step.type()))
                    .setSource(StepEventTypes.source(step.type()))
                    .setSubject(result.output().key())
                    .build();
        };
    }

    /** A request without {@code ce-type} is accepted (plain JSON POST); one with another step's type is not. */
    private static void requireEventType(ImageStep<?> step, Message<?> message) {
        String type = CloudEventMessageUtils.getType(message);
        if (type != null && !type.equals(StepEventTypes.requested(step.type()))) {
            throw new InvalidInputException("unsupported-event-type", "ce-type", "this function handles CloudEvents"
                    + " of type " + StepEventTypes.requested(step.type()) + ", got '" + type + "'")
                    .inStep(step.type(), null, null);
        }
    }
}
