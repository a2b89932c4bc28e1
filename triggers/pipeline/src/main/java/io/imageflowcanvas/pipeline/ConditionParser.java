package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.StepCondition.AllOf;
import io.imageflowcanvas.pipeline.StepCondition.AnyOf;
import io.imageflowcanvas.pipeline.StepCondition.ClassTest;
import io.imageflowcanvas.pipeline.StepCondition.CountTest;
import io.imageflowcanvas.pipeline.StepCondition.StatusTest;
import io.imageflowcanvas.pipeline.StepCondition.SyntaxException;
import java.util.ArrayList;
import java.util.List;

/** A recursive-descent parser over the tokens of one condition. */
/** Reads a {@link StepCondition} from its text: a recursive descent over its tokens. */
final class ConditionParser {
    private final String text;
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();
    private int next;

    ConditionParser(String text) {
        this.text = text == null ? "" : text;
        tokenize();
    }

    StepCondition parse() {
        if (tokens.isEmpty()) {
            throw new SyntaxException("is empty; write a test such as detect.count > 0");
        }
        StepCondition condition = disjunction();
        if (next < tokens.size()) {
            throw error("expected 'and', 'or' or the end");
        }
        return condition;
    }

    private StepCondition disjunction() {
        List<StepCondition> any = new ArrayList<>(List.of(conjunction()));
        while (accept("or")) {
            any.add(conjunction());
        }
        return any.size() == 1 ? any.getFirst() : new AnyOf(List.copyOf(any));
    }

    private StepCondition conjunction() {
        List<StepCondition> all = new ArrayList<>(List.of(term()));
        while (accept("and")) {
            all.add(term());
        }
        return all.size() == 1 ? all.getFirst() : new AllOf(List.copyOf(all));
    }

    private StepCondition term() {
        if (accept("(")) {
            StepCondition inner = disjunction();
            if (!accept(")")) {
                throw error("expected ')'");
            }
            return inner;
        }
        String reference = take("a test such as detect.count > 0");
        int dot = reference.lastIndexOf('.');
        if (dot <= 0 || !reference.substring(0, dot).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw errorBefore("expected <step>.status, <step>.count or <step>.classes, got '" + reference
                    + "'");
        }
        String stepId = reference.substring(0, dot);
        String field = reference.substring(dot + 1);
        return switch (field) {
            case "status" -> {
                String operator = take("'==' or '!='");
                if (!operator.equals("==") && !operator.equals("!=")) {
                    throw errorBefore("a status is compared with == or !=, not '" + operator + "'");
                }
                String status = quoted("a status: " + quotedList(StepCondition.STATUSES));
                if (!StepCondition.STATUSES.contains(status)) {
                    throw errorBefore("unknown status '" + status + "'; a step ends " + quotedList(StepCondition.STATUSES));
                }
                yield new StatusTest(stepId, operator.equals("=="), status);
            }
            case "count" -> {
                String operator = take("a comparison (" + String.join(" ", StepCondition.COMPARISONS) + ")");
                if (!StepCondition.COMPARISONS.contains(operator)) {
                    throw errorBefore("a count is compared with " + String.join(" ", StepCondition.COMPARISONS) + ", not '"
                            + operator + "'");
                }
                String number = take("a number");
                try {
                    yield new CountTest(stepId, operator, Double.parseDouble(number));
                } catch (NumberFormatException e) {
                    throw errorBefore("a count is compared with a number, not " + number);
                }
            }
            case "classes" -> {
                String operator = take("'contains'");
                if (!operator.equals("contains")) {
                    throw errorBefore("classes are tested with contains, as in " + stepId
                            + ".classes contains 'person', not '" + operator + "'");
                }
                yield new ClassTest(stepId, quoted("a class name in quotes, such as 'person'"));
            }
            default -> throw errorBefore("unknown field '" + field + "' of step " + stepId
                    + "; a condition reads status, count or classes");
        };
    }

    private String quoted(String expected) {
        String token = take(expected);
        if (token.length() < 2 || token.charAt(0) != '\'' && token.charAt(0) != '"') {
            throw errorBefore("expected " + expected + ", got " + token);
        }
        return token.substring(1, token.length() - 1);
    }

    private boolean accept(String token) {
        if (next < tokens.size() && tokens.get(next).equals(token)) {
            next++;
            return true;
        }
        return false;
    }

    private String take(String expected) {
        if (next >= tokens.size()) {
            throw new SyntaxException("ends too early: expected " + expected);
        }
        return tokens.get(next++);
    }

    private SyntaxException error(String message) {
        if (next >= tokens.size()) {
            return new SyntaxException("ends too early: " + message);
        }
        return new SyntaxException(message + " at character " + (positions.get(next) + 1) + " ('"
                + tokens.get(next) + "')");
    }

    private SyntaxException errorBefore(String message) {
        return new SyntaxException(message + " (at character " + (positions.get(next - 1) + 1) + ")");
    }

    private static String quotedList(List<String> values) {
        return String.join(", ", values.stream().map(v -> "'" + v + "'").toList());
    }

    private void tokenize() {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    throw new SyntaxException("has an unclosed quote at character " + (i + 1));
                }
                i = end + 1;
            } else if (c == '(' || c == ')') {
                i++;
            } else if ("=!<>".indexOf(c) >= 0) {
                i++;
                if (i < text.length() && text.charAt(i) == '=') {
                    i++;
                }
                String operator = text.substring(start, i);
                if (operator.equals("=") || operator.equals("!")) {
                    throw new SyntaxException("has '" + operator + "' at character " + (start + 1)
                            + "; compare with == or !=");
                }
            } else if (Character.isLetterOrDigit(c)) {
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i))
                        || "-._".indexOf(text.charAt(i)) >= 0)) {
                    i++;
                }
            } else {
                throw new SyntaxException("has '" + c + "' at character " + (i + 1) + "; combine tests with"
                        + " and / or, compare with == != > >= < <=, quote names with '");
            }
            tokens.add(text.substring(start, i));
            positions.add(start);
        }
    }
}
