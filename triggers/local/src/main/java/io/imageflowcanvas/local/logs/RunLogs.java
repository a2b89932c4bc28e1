package io.imageflowcanvas.local.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The log lines of each run, as the functions on this machine logged them (every line they log while serving a
 * step carries the run's and step's ids, StepExecutor's MDC) plus the runner's own account of each attempt that
 * failed. Kept in memory for the newest {@link #MAX_RUNS} runs, at most {@link #MAX_LINES} lines each: what a
 * person looks at while a run is fresh; a runner started again has none of its earlier runs' lines.
 */
public final class RunLogs {

    public static final int MAX_RUNS = 500;
    public static final int MAX_LINES = 300;
    /** Longer messages (a stack trace's first line is enough) are cut here. */
    static final int MAX_MESSAGE = 2000;

    /** One line: when, which step (null for the run itself), how severe, who logged it, what. */
    public record Line(Instant time, String stepId, String level, String source, String message) {
    }

    private final Map<String, ArrayDeque<Line>> runs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Line>> eldest) {
            return size() > MAX_RUNS;
        }
    };
    private final Appender appender = new Appender();
    private final Listener listener = new Listener();
    private LoggerContext context;

    /** Starts taking the lines logged in this JVM; it keeps doing so when a function's start reconfigures logging. */
    public void capture() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
            return; // another logging backend: only the runner's own lines are kept
        }
        context = logback;
        attach();
        logback.addListener(listener);
    }

    /** The runner's own line about a run or step (an attempt's error, a skip's reason). */
    public synchronized void add(String runId, String stepId, String level, String message) {
        append(runId, new Line(Instant.now(), stepId, level, "runner", cut(message)));
    }

    /** The run's lines in order, only {@code stepId}'s when given (with the run's own); empty when none are kept. */
    public synchronized List<Line> lines(String runId, String stepId) {
        ArrayDeque<Line> lines = runs.get(runId);
        if (lines == null) {
            return List.of();
        }
        List<Line> found = new ArrayList<>();
        for (Line line : lines) {
            if (stepId == null || stepId.equals(line.stepId())) {
                found.add(line);
            }
        }
        return found;
    }

    /** Whether any line of the run is kept. */
    public synchronized boolean knows(String runId) {
        return runs.containsKey(runId);
    }

    public void close() {
        if (context != null) {
            context.removeListener(listener);
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
        }
    }

    private synchronized void append(String runId, Line line) {
        ArrayDeque<Line> lines = runs.computeIfAbsent(runId, id -> new ArrayDeque<>());
        lines.addLast(line);
        while (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    private void attach() {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(Appender.NAME) == null) {
            appender.setContext(context);
            appender.setName(Appender.NAME);
            appender.start();
            root.addAppender(appender);
        }
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }

    /** Takes each line logged with a run id in its MDC. */
    private final class Appender extends AppenderBase<ILoggingEvent> {
        static final String NAME = "imageflow-run-logs";

        @Override
        protected void append(ILoggingEvent event) {
            Map<String, String> mdc = event.getMDCPropertyMap();
            String runId = mdc.get("runId");
            if (runId == null || runId.isEmpty()) {
                return;
            }
            String stepId = mdc.get("stepId");
            String source = mdc.getOrDefault("stepType", event.getLoggerName());
            String message = event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                message += " (" + event.getThrowableProxy().getClassName() + ": "
                        + event.getThrowableProxy().getMessage() + ")";
            }
            RunLogs.this.append(runId, new Line(Instant.ofEpochMilli(event.getTimeStamp()),
                    stepId == null || stepId.isEmpty() ? null : stepId, event.getLevel().toString(), source,
                    cut(message)));
        }
    }

    /** Spring Boot resets logging as each function starts: the appender is attached again after each reset. */
    private final class Listener implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onStart(LoggerContext context) {
            attach();
        }

        @Override
        public void onReset(LoggerContext context) {
            attach();
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, ch.qos.logback.classic.Level level) {
        }
    }
}
