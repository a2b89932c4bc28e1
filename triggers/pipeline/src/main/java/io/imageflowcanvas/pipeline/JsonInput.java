package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a JSON document token by token with Jackson's streaming parser, for the code that binds it to records
 * field by field ({@link PipelineDefinitions}, {@link ComponentRegistry}). A problem is a
 * {@link PipelineValidationException} naming its place as the document's author writes it ({@code steps[1].optional},
 * {@code $} for the whole document) and, for a value of the wrong kind, its line and column.
 *
 * <p>Why not data binding: making a JSON mapper and introspecting the records took most of {@code imageflow
 * validate}'s own time, run once per process and so interpreted (bench/README.md, "CLI").
 */
final class JsonInput implements AutoCloseable {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final JsonParser parser;
    /** Property names and array indexes from the root to the value being read. */
    private final List<Object> path = new ArrayList<>();

    private JsonInput(JsonParser parser) {
        this.parser = parser;
    }

    /** A reader positioned on the document's first token. */
    static JsonInput of(String json) {
        JsonInput input = new JsonInput(FACTORY.createParser(ObjectReadContext.empty(), json));
        input.guard(() -> input.parser.nextToken());
        return input;
    }

    /** Whether the value is JSON's null. */
    boolean isNull() {
        return parser.currentToken() == JsonToken.VALUE_NULL;
    }

    /** Reads an object field by field: {@code field} reads each value (the reader on its first token). */
    void object(List<String> allowed, FieldReader field) {
        if (token() != JsonToken.START_OBJECT) {
            throw mismatch("an object");
        }
        while (guard(parser::nextToken) == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            path.add(name);
            if (!allowed.contains(name)) {
                throw problem("unknown field '" + name + "'; allowed: " + allowed);
            }
            guard(parser::nextToken);
            field.read(name);
            path.removeLast();
        }
    }

    /** Reads an array element by element, each with {@code element}; null for JSON's null. */
    <T> List<T> list(Function<JsonInput, T> element) {
        if (token() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token() != JsonToken.START_ARRAY) {
            throw mismatch("an array");
        }
        List<T> values = new ArrayList<>();
        while (guard(parser::nextToken) != JsonToken.END_ARRAY) {
            path.add(values.size());
            values.add(element.apply(this));
            path.removeLast();
        }
        return values;
    }

    /** Reads an object of values that {@code value} reads; null for JSON's null. */
    <T> Map<String, T> map(Function<JsonInput, T> value) {
        if (token() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token() != JsonToken.START_OBJECT) {
            throw mismatch("an object");
        }
        Map<String, T> values = new LinkedHashMap<>();
        while (guard(parser::nextToken) == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            path.add(name);
            guard(parser::nextToken);
            values.put(name, value.apply(this));
            path.removeLast();
        }
        return values;
    }

    /** A string; a number or true/false as its text (as data binding coerces them); null for JSON's null. */
    String string() {
        return switch (token()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                    guard(parser::getString);
            case VALUE_NULL -> null;
            default -> throw mismatch("a string");
        };
    }

    /** A whole number in int's range, also written as a string ("5"); null for JSON's null. */
    Integer integer() {
        JsonToken token = token();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        String text = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_STRING ? guard(parser::getString)
                : null;
        try {
            if (text != null) {
                return Integer.valueOf(text.trim());
            }
        } catch (NumberFormatException e) {
            // Below: the same message as a value of another kind.
        }
        throw mismatch("a whole number");
    }

    /** A number, also written as a string ("1.5"); null for JSON's null. */
    Double number() {
        JsonToken token = token();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return guard(parser::getDoubleValue);
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Double.valueOf(guard(parser::getString).trim());
            } catch (NumberFormatException e) {
                // Below.
            }
        }
        throw mismatch("a number");
    }

    /** true or false, also as a string; null for JSON's null. */
    Boolean bool() {
        return switch (token()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            case VALUE_STRING -> switch (guard(parser::getString)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw mismatch("true or false");
            };
            default -> throw mismatch("true or false");
        };
    }

    /**
     * Any value as data binding gives it untyped: objects as insertion-ordered maps, arrays as lists, whole numbers
     * as Integer, Long or BigInteger by size, other numbers as Double.
     */
    Object any() {
        return switch (token()) {
            case START_OBJECT -> map(JsonInput::any);
            case START_ARRAY -> list(JsonInput::any);
            case VALUE_STRING -> guard(parser::getString);
            case VALUE_NUMBER_INT -> switch (guard(parser::getNumberType)) {
                case INT -> guard(parser::getIntValue);
                case LONG -> guard(parser::getLongValue);
                default -> guard(parser::getBigIntegerValue);
            };
            case VALUE_NUMBER_FLOAT -> guard(parser::getDoubleValue);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw mismatch("a value");
        };
    }

    /** Refuses anything after the document's value but whitespace. */
    void end() {
        path.clear();
        if (guard(parser::nextToken) != null) {
            throw problem("not a valid pipeline definition (content after its end, at " + where() + ")");
        }
    }

    @Override
    public void close() {
        parser.close();
    }

    /** What a field reads, the reader on the field's value. */
    interface FieldReader {
        void read(String name);
    }

    private JsonToken token() {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw mismatch("an object");
        }
        return token;
    }

    private String where() {
        TokenStreamLocation location = parser.currentTokenLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private PipelineValidationException mismatch(String kind) {
        return problem("must be " + kind + " (" + where() + ")");
    }

    PipelineValidationException problem(String message) {
        StringBuilder place = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer index) {
                place.append('[').append(index).append(']');
            } else {
                place.append(place.isEmpty() ? "" : ".").append(segment);
            }
        }
        return new PipelineValidationException(List.of(new Problem(null, place.isEmpty() ? "$" : place.toString(),
                message)));
    }

    /** A parser call; malformed JSON or a limit of the parser's (nesting depth, say) becomes a problem here. */
    private <T> T guard(ParserCall<T> call) {
        try {
            return call.get();
        } catch (JacksonException e) {
            String at = e.getLocation() == null ? "" : ", at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw problem("not a valid pipeline definition (" + e.getOriginalMessage() + at + ")");
        }
    }

    private interface ParserCall<T> {
        T get();
    }
}
