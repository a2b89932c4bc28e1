package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.MalformedRequestException;
import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.cloud.function.cloudevent.CloudEventMessageBuilder;
import org.springframework.cloud.function.cloudevent.CloudEventMessageUtils;
import org.springframework.messaging.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an {@link ImageStep} into the Spring Cloud Function bean a function app exposes: CloudEvent in (binary or
 * structured mode), CloudEvent out. Message-based, because the output event's type and source must be set.
 */
public class StepFunctions {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final StepExecutor executor;
    private final Supplier<Optional<String>> traceParent;

    /** {@code traceParent}: the current request span's W3C trace context, set on the answer as ce-traceparent. */
    public StepFunctions(StepExecutor executor, Supplier<Optional<String>> traceParent) {
        this.executor = executor;
        this.traceParent = traceParent;
    }

    public Function<Message<StepRequest>, Message<StepResult>> of(ImageStep<?> step) {
        return message -> {
            requireEventType(step, message);
            StepResult result = executor.execute(step, requestOf(step, message));
            CloudEventMessageBuilder<StepResult> answer = CloudEventMessageBuilder.withData(result)
                    .setId(UUID.randomUUID().toString())
                    .setType(StepEventTypes.completed(step.type()))
                    .setSource(StepEventTypes.source(step.type()))
                    .setSubject(CloudEventHeaders.percentEncode(result.output().key()));
            // The distributed-tracing extension: whoever handles the answer can continue this step's trace.
            traceParent.get().ifPresent(value -> answer.setHeader("ce-traceparent", value));
            return answer.build();
        };
    }

    /**
     * The framework hands over the raw payload when it cannot convert it; parsing it again here turns that into a
     * 400 that says where the JSON is broken, instead of a ClassCastException.
     */
    private static StepRequest requestOf(ImageStep<?> step, Message<?> message) {
        Object payload = message.getPayload();
        if (payload instanceof StepRequest request) {
            return request;
        }
        String text = payload instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(payload);
        try {
            return JSON.readValue(text, StepRequest.class);
        } catch (JacksonException e) {
            throw (InvalidInputException) new MalformedRequestException("the event data is not valid JSON for a"
                    + " step request: " + e.getOriginalMessage() + " (schema: schemas/step-request.schema.json)", e)
                    .inStep(step.type(), null, null);
        }
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
