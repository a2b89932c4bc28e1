package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One command's syntax: its name and description, its options and positional parameters, each bound to what it sets
 * in the command; it parses a command line into the command and prints the command's help. Declared in code rather
 * than read from annotations by reflection, so that a command starts in the time a short command has (reflection
 * over every command's fields and annotations cost 0.1 s of each; bench/README.md, "CLI").
 */
final class Syntax {

    /** The width the help is wrapped to. */
    private static final int WIDTH = 80;
    /** Where options' descriptions start in the help. */
    private static final int DESCRIPTION_COLUMN = 27;

    private final String name;
    private final String description;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final List<Option> declared = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();

    /** An option: its names, the label of its value (null for a flag), and what it does with each value. */
    private record Option(List<String> names, String label, String description, Supplier<String> defaultValue,
            boolean repeatable, Consumer<String> set) {
    }

    /** A positional parameter: required or not, one value or one and more. */
    private record Parameter(String label, String description, boolean required, boolean many,
            Consumer<String> set) {
    }

    /** What a command line asked for besides running the command. */
    enum Outcome {
        RUN, HELP, VERSION
    }

    /** A command line that does not fit the syntax; its message says what is wrong, in picocli's words. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private Syntax(String name, String description) {
        this.name = name;
        this.description = description;
    }

    static Syntax command(String name, String description) {
        return new Syntax(name, description);
    }

    /** A flag: {@code set} runs when it is given. {@code names} as in the help, such as {@code "-n, --namespace"}. */
    Syntax flag(String names, String description, Runnable set) {
        return add(new Option(split(names), null, description, null, false, value -> set.run()));
    }

    /** An option taking a value; {@code set} gets it only when the option is given. */
    Syntax option(String names, String label, String description, Consumer<String> set) {
        return add(new Option(split(names), label, description, null, false, set));
    }

    /** An option taking a value; {@code set} gets {@code defaultValue} (read when parsing) when it is not given. */
    Syntax option(String names, String label, Supplier<String> defaultValue, String description,
            Consumer<String> set) {
        return add(new Option(split(names), label, description, defaultValue, false, set));
    }

    /** An option that may be given many times; {@code add} gets each value in order. */
    Syntax repeatable(String names, String label, String description, Consumer<String> add) {
        return add(new Option(split(names), label, description, null, true, add));
    }

    /** The next positional parameter, required. */
    Syntax parameter(String label, String description, Consumer<String> set) {
        parameters.add(new Parameter(label, description, true, false, set));
        return this;
    }

    /** The next positional parameter, which may be left out. */
    Syntax optionalParameter(String label, String description, Consumer<String> set) {
        parameters.add(new Parameter(label, description, false, false, set));
        return this;
    }

    /** The remaining positional parameters, at least one; {@code add} gets each in order. */
    Syntax parameters(String label, String description, Consumer<String> add) {
        parameters.add(new Parameter(label, description, true, true, add));
        return this;
    }

    /** A default read from the environment variable {@code variable}, else {@code fallback}. */
    static Supplier<String> env(String variable, String fallback) {
        return () -> {
            String value = System.getenv(variable);
            return value == null ? fallback : value;
        };
    }

    /** {@code text} as an int, or the usage error picocli gives for it. */
    static int integer(String option, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value for option '" + option + "': '" + text
                    + "' is not an int");
        }
    }

    /** {@code text} as a long, or the usage error picocli gives for it. */
    static long longInteger(String option, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value for option '" + option + "': '" + text
                    + "' is not a long");
        }
    }

    /**
     * Parses {@code arguments} (what follows the command's name) into the command: HELP or VERSION when asked (nothing
     * else is checked then), else RUN once every value is set. A value its setter refuses is a usage error.
     */
    Outcome parse(List<String> arguments) throws UsageException {
        for (String argument : arguments) {
            if (argument.equals("--")) {
                break;
            }
            if (options.containsKey(argument)) {
                continue;
            }
            if (argument.equals("-h") || argument.equals("--help")) {
                return Outcome.HELP;
            }
            if (argument.equals("-V") || argument.equals("--version")) {
                return Outcome.VERSION;
            }
        }
        Set<Option> given = new HashSet<>();
        List<String> positional = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (!optionsEnded && argument.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (optionsEnded || !argument.startsWith("-") || argument.equals("-")) {
                positional.add(argument);
                continue;
            }
            int equals = argument.indexOf('=');
            String optionName = equals > 0 ? argument.substring(0, equals) : argument;
            Option option = options.get(optionName);
            if (option == null) {
                throw new UsageException("Unknown option: '" + argument + "'");
            }
            if (given.contains(option) && !option.repeatable()) {
                throw new UsageException("option '" + optionName + "' should be specified only once");
            }
            given.add(option);
            if (option.label() == null) {
                if (equals > 0) {
                    throw new UsageException("option '" + optionName + "' takes no value; got '" + argument + "'");
                }
                option.set().accept(null);
                continue;
            }
            String value;
            if (equals > 0) {
                value = argument.substring(equals + 1);
            } else if (i + 1 < arguments.size()) {
                value = arguments.get(++i);
            } else {
                throw new UsageException("Missing required parameter for option '" + optionName + "' ("
                        + option.label() + ")");
            }
            set(option.set(), value);
        }
        int next = 0;
        List<String> missing = new ArrayList<>();
        for (Parameter parameter : parameters) {
            if (next >= positional.size()) {
                if (parameter.required()) {
                    missing.add("'" + parameter.label() + "'");
                }
                continue;
            }
            int end = parameter.many() ? positional.size() : next + 1;
            for (; next < end; next++) {
                set(parameter.set(), positional.get(next));
            }
        }
        if (!missing.isEmpty()) {
            throw new UsageException("Missing required parameter" + (missing.size() > 1 ? "s: " : ": ")
                    + String.join(", ", missing));
        }
        if (next < positional.size()) {
            throw new UsageException("Unmatched argument" + (positional.size() - next > 1 ? "s" : "")
                    + " from index " + next + ": '" + String.join("', '", positional.subList(next,
                            positional.size())) + "'");
        }
        for (Option option : declared) {
            if (!given.contains(option) && option.defaultValue() != null) {
                set(option.set(), option.defaultValue().get());
            }
        }
        return Outcome.RUN;
    }

    /** Prints the help: usage line, description, parameters and options. */
    void usage(PrintWriter out, String commandPath) {
        StringBuilder line = new StringBuilder("Usage: " + commandPath + " [OPTIONS]");
        for (Parameter parameter : parameters) {
            String label = parameter.label() + (parameter.many() ? "..." : "");
            line.append(' ').append(parameter.required() ? label : "[" + label + "]");
        }
        out.println(line);
        wrap(out, description, "");
        if (!parameters.isEmpty()) {
            out.println("Parameters:");
            for (Parameter parameter : parameters) {
                row(out, "      " + parameter.label() + (parameter.many() ? "..." : ""), parameter.description());
            }
        }
        out.println("Options:");
        for (Option option : declared) {
            row(out, optionNames(option), option.description());
        }
        row(out, "  -h, --help", "Show this help message and exit.");
        if (!options.containsKey("--version")) {
            row(out, "  -V, --version", "Print version information and exit.");
        }
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    private Syntax add(Option option) {
        for (String optionName : option.names()) {
            if (options.put(optionName, option) != null) {
                throw new IllegalStateException(name + " declares " + optionName + " twice");
            }
        }
        declared.add(option);
        return this;
    }

    private static List<String> split(String names) {
        return List.of(names.split(",\\s*"));
    }

    private static void set(Consumer<String> setter, String value) throws UsageException {
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** "  -n, --namespace=NAME" or "      --cluster", as picocli lays options out. */
    private static String optionNames(Option option) {
        String shortName = option.names().stream().filter(n -> !n.startsWith("--")).findFirst().orElse(null);
        List<String> longNames = option.names().stream().filter(n -> n.startsWith("--")).toList();
        String names = (shortName == null ? "      " : "  " + shortName + (longNames.isEmpty() ? "" : ", "))
                + String.join(", ", longNames);
        return option.label() == null ? names : names + "=" + option.label();
    }

    /** A help row: {@code left}, then {@code text} wrapped from the options' description column. */
    static void row(PrintWriter out, String left, String text) {
        row(out, left, text, DESCRIPTION_COLUMN);
    }

    /** A help row: {@code left}, then {@code text} wrapped from {@code column}. */
    static void row(PrintWriter out, String left, String text, int column) {
        String indent = " ".repeat(column);
        if (left.length() >= column - 1) {
            out.println(left);
            wrap(out, text, indent);
            return;
        }
        StringBuilder first = new StringBuilder(left);
        first.append(" ".repeat(column - left.length()));
        List<String> lines = lines(text, WIDTH - column);
        out.println(first + (lines.isEmpty() ? "" : lines.getFirst()));
        for (String rest : lines.subList(Math.min(1, lines.size()), lines.size())) {
            out.println(indent + rest);
        }
    }

    /** {@code text} wrapped at the help's width, each line after {@code indent}. */
    static void wrap(PrintWriter out, String text, String indent) {
        for (String wrapped : lines(text, WIDTH - indent.length())) {
            out.println(indent + wrapped);
        }
    }

    private static List<String> lines(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!current.isEmpty() && current.length() + 1 + word.length() > width) {
                lines.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                current.append(' ');
            }
            current.append(word);
        }
        if (!current.isEmpty()) {
            lines.add(current.toString());
        }
        return lines;
    }
}
