package io.sgnflow.jobs.demo;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * While the demo shows its live progress line, the jobs' INFO logs (model loaded, window published,
 * ...) would break that line every few seconds. This sends the full log to a file in the report
 * directory and keeps only WARN and ERROR on the console, which the demo's own "[demo]" messages
 * (written directly, not logged) do not go through.
 */
final class DemoLog implements AutoCloseable {
    private static final String CONSOLE = "STDERR";
    private static final String FILE = "sgn-demo-file";

    private final LoggerContext context;
    private final Appender file;
    private final Appender console;

    private DemoLog(LoggerContext context, Appender file, Appender console) {
        this.context = context;
        this.file = file;
        this.console = console;
    }

    /**
     * Redirects as described, or returns null (and changes nothing) when Log4j 2 is not the logging
     * backend or its console appender is not the one of our log4j2.properties.
     */
    static DemoLog toFile(Path logFile) {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
            return null;
        }
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        Appender console = root.getAppenders().get(CONSOLE);
        if (console == null) {
            return null;
        }
        FileAppender file =
                FileAppender.newBuilder()
                        .setName(FILE)
                        .withFileName(logFile.toString())
                        .withAppend(false)
                        .setLayout(
                                PatternLayout.newBuilder()
                                        .withPattern(
                                                "%d{HH:mm:ss.SSS} %-5level [%t] %c{1.} - %msg%n")
                                        .build())
                        .setConfiguration(config)
                        .build();
        file.start();
        config.addAppender(file);
        root.addAppender(file, null, null);
        root.removeAppender(CONSOLE);
        root.addAppender(console, Level.WARN, null);
        context.updateLoggers();
        return new DemoLog(context, file, console);
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(CONSOLE);
        root.addAppender(console, null, null);
        root.removeAppender(FILE);
        context.updateLoggers();
        file.stop();
    }
}
