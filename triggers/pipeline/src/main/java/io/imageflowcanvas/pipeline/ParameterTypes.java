package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.ComponentRegistry.ParameterSpec;

/** Checks one parameter value against its spec; numbers may be JSON numbers or numeric strings, as the functions take them. */
final class ParameterTypes {

    private ParameterTypes() {
    }

    /** The problem with {@code value}, or null when it is fine. */
    static String check(ParameterSpec spec, Object value) {
        if (value == null) {
            return null;
        }
        switch (spec.type()) {
            case "integer", "number" -> {
                Double number = number(value);
                if (number == null) {
                    return "must be a number, got '" + value + "'";
                }
                if (spec.type().equals("integer") && number != Math.rint(number)) {
                    return "must be a whole number, got " + value;
                }
                if ((spec.minimum() != null && number < spec.minimum())
                        || (spec.maximum() != null && number > spec.maximum())) {
                    return "must be between " + trim(spec.minimum()) + " and " + trim(spec.maximum()) + ", got "
                            + value;
                }
                if (spec.odd() && number.longValue() % 2 == 0) {
                    return "must be odd, got " + value;
                }
                return null;
            }
            case "boolean" -> {
                String text = value.toString();
                return value instanceof Boolean || text.equals("true") || text.equals("false") ? null
                        : "must be true or false, got '" + value + "'";
            }
            default -> {
                if (!(value instanceof String) && !(value instanceof Number)) {
                    return "must be a string, got " + value;
                }
                if (spec.enumValues() != null && !spec.enumValues().contains(value.toString())) {
                    return "must be one of " + String.join(", ", spec.enumValues()) + ", got '" + value + "'";
                }
                return null;
            }
        }
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                double parsed = Double.parseDouble(s.trim());
                return Double.isFinite(parsed) ? parsed : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String trim(Double d) {
        return d == null ? "any" : d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }
}
