package io.imageflowcanvas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntaxTests {

    /** What a parse set, as a command's fields would hold it. */
    private static final class Fields {
        boolean flag;
        String name;
        int count = -1;
        String first;
        String optional;
        final List<String> tags = new ArrayList<>();
        final List<String> rest = new ArrayList<>();
    }

    private static Syntax syntax(Fields fields) {
        return Syntax.command("try", "A command to try the syntax on.")
                .flag("-f, --flag", "a flag", () -> fields.flag = true)
                .option("--name", "NAME", "a name", value -> fields.name = value)
                .option("--count", "N", () -> "7", "a count (default: 7)",
                        value -> fields.count = Syntax.integer("--count", value))
                .repeatable("--tag", "TAG", "a tag, again and again", fields.tags::add)
                .parameter("FIRST", "the first", value -> fields.first = value)
                .optionalParameter("SECOND", "the second, or not", value -> fields.optional = value);
    }

    @Test
    void setsOptionsGivenEitherWayAndDefaultsOnlyForThoseLeftOut() throws Exception {
        Fields fields = new Fields();
        assertThat(syntax(fields).parse(List.of("--name=a b", "one", "-f", "--tag", "x", "--tag=y")))
                .isEqualTo(Syntax.Outcome.RUN);
        assertThat(fields.flag).isTrue();
        assertThat(fields.name).isEqualTo("a b");
        assertThat(fields.count).isEqualTo(7);
        assertThat(fields.tags).containsExactly("x", "y");
        assertThat(fields.first).isEqualTo("one");
        assertThat(fields.optional).isNull();

        Fields given = new Fields();
        syntax(given).parse(List.of("--count", "3", "one", "two"));
        assertThat(given.count).isEqualTo(3);
        assertThat(given.optional).isEqualTo("two");
    }

    @Test
    void takesWhatFollowsTwoDashesAsParameters() throws Exception {
        Fields fields = new Fields();
        syntax(fields).parse(List.of("--", "--name", "-f"));
        assertThat(fields.first).isEqualTo("--name");
        assertThat(fields.optional).isEqualTo("-f");
        assertThat(fields.name).isNull();
        assertThat(fields.flag).isFalse();
    }

    @Test
    void namesWhatIsWrongWithACommandLine() {
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "--colour")))
                .hasMessage("Unknown option: '--colour'");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("--flag")))
                .hasMessage("Missing required parameter: 'FIRST'");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "--name")))
                .hasMessage("Missing required parameter for option '--name' (NAME)");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "--count", "many")))
                .hasMessage("Invalid value for option '--count': 'many' is not an int");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "two", "three", "four")))
                .hasMessage("Unmatched arguments from index 2: 'three', 'four'");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "--name", "a", "--name", "b")))
                .hasMessage("option '--name' should be specified only once");
        assertThatThrownBy(() -> syntax(new Fields()).parse(List.of("one", "--flag=yes")))
                .hasMessage("option '--flag' takes no value; got '--flag=yes'");
    }

    @Test
    void answersHelpAndVersionBeforeCheckingTheRest() throws Exception {
        Fields fields = new Fields();
        assertThat(syntax(fields).parse(List.of("--colour", "--help"))).isEqualTo(Syntax.Outcome.HELP);
        assertThat(syntax(fields).parse(List.of("-V"))).isEqualTo(Syntax.Outcome.VERSION);
        assertThat(fields.first).isNull();
        // A command's own --version (run's: a pipeline version) is that option, not the CLI's version.
        Fields own = new Fields();
        Syntax withVersion = Syntax.command("run", "Runs.").option("--version", "V", "a pipeline version",
                value -> own.name = value);
        assertThat(withVersion.parse(List.of("--version", "3"))).isEqualTo(Syntax.Outcome.RUN);
        assertThat(own.name).isEqualTo("3");
    }

    @Test
    void printsEveryOptionAndParameterInItsHelp() {
        StringWriter help = new StringWriter();
        syntax(new Fields()).usage(new PrintWriter(help, true), "imageflow try");
        assertThat(help.toString()).startsWith("Usage: imageflow try [OPTIONS] FIRST [SECOND]\n"
                + "A command to try the syntax on.\n")
                .contains("  -f, --flag               a flag\n", "      --count=N            a count (default: 7)\n",
                        "      FIRST                the first\n", "  -h, --help ");
    }
}
