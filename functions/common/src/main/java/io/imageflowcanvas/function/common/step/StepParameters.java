package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Typed, checked access to a step's raw parameters. Numbers may arrive as JSON numbers or as strings (Argo passes
 * parameters as strings). Every problem is an {@link InvalidInputException} naming the parameter, the value and the
 * allowed range. After reading, {@link #rejectUnknown(String)} refuses parameters the step does not know, so a typo
 * is an error instead of a silently ignored setting.
 */
public final class StepParameters {

    private final Map<String, Object> raw;
    private final Set<String> known = new LinkedHashSet<>();

    public StepParameters(Map<String, Object> raw) {
        this.raw = raw == null ? Map.of() : raw;
    }

    public boolean has(String name) {
        known.add(name);
        return raw.get(name) != null;
    }

    /** An integer in [min, max]; {@code fallback} when absent (may be null for "not set"). */
    public Integer integer(String name, int min, int max, Integer fallback) {
        Double value = numberOrNull(name);
        if (value == null) {
            return fallback;
        }
        if (value != Math.rint(value)) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' must be a whole number, got "
                    + raw.get(name));
        }
        if (value < min || value > max) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' must be between " + min + " and "
                    + max + ", got " + raw.get(name));
        }
        return value.intValue();
    }

    /** A number in [min, max]; {@code fallback} when absent. */
    public double number(String name, double min, double max, double fallback) {
        Double value = numberOrNull(name);
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' must be between " + trim(min)
                    + " and " + trim(max) + ", got " + raw.get(name));
        }
        return value;
    }

    public boolean bool(String name, boolean fallback) {
        known.add(name);
        Object value = raw.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw InvalidInputException.parameter(name, "parameter '" + name + "' must be true or false, got " + value);
    }

    /** One of {@code allowed} (compared case-insensitively); {@code fallback} when absent. */
    public String choice(String name, List<String> allowed, String fallback) {
        known.add(name);
        Object value = raw.get(name);
        if (value == null) {
            return fallback;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(text)) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' must be one of "
                    + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return text;
    }

    /** A required value of {@code allowed}. */
    public String requiredChoice(String name, List<String> allowed) {
        String value = choice(name, allowed, null);
        if (value == null) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' is required; allowed values: "
                    + String.join(", ", allowed));
        }
        return value;
    }

    /** A required text value. */
    public String text(String name) {
        known.add(name);
        Object value = raw.get(name);
        if (value == null || value.toString().isBlank()) {
            throw InvalidInputException.parameter(name, "parameter '" + name + "' must not be empty");
        }
        return value.toString();
    }

    /** Refuses any parameter that was not read; {@code context} says for what (e.g. "filter type median"). */
    public void rejectUnknown(String context) {
        Set<String> unknown = new TreeSet<>(raw.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw InvalidInputException.parameter(first, "unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ")) + " for " + context
                    + "; allowed: " + String.join(", ", known));
        }
    }

    private Double numberOrNull(String name) {
        known.add(name);
        Object value = raw.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            double parsed = Double.parseDouble(value.toString().trim());
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw InvalidInputException.parameter(name, "parameter '" + name + "' must be a number, got '" + value + "'");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
