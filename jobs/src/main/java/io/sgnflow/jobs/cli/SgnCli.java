package io.sgnflow.jobs.cli;

import io.sgnflow.model.io.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Properties;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sgn-flink} command line (Main-Class of the shaded jar).
 *
 * <p>Conventions shared by every subcommand: logs and progress go to stderr; the last line of
 * stdout is one JSON object summarising the run; {@code --help}, {@code --version} and {@code
 * --verbose} work everywhere (they are inherited). Exit codes: {@value #EXIT_OK} success, {@value
 * #EXIT_CHECK_FAILED} a check failed, {@value #EXIT_BAD_INPUT} bad input (bad option, missing or
 * unreadable file, corrupt model, unusable data) with a one-line message naming the bad value,
 * {@value #EXIT_INTERNAL} an unexpected failure. Stack traces are printed only with {@code
 * --verbose}.
 *
 * <p>To add a subcommand, list its class in {@code subcommands} below.
 */
@Command(
        name = "sgn-flink",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = SgnCli.Version.class,
        sortOptions = false,
        description =
                "Anomaly scoring with SGN-Flow (exact log-likelihood) and SGN-VAE density models,"
                        + " offline and on Kafka with Flink.",
        subcommands = {
            TrainCommand.class,
            ScoreCommand.class,
            EvaluateCommand.class,
            CheckCommand.class,
            SampleCommand.class,
            BenchCommand.class,
            PipelineBenchCommand.class,
            io.sgnflow.jobs.scoring.ScoreStreamCommand.class,
            io.sgnflow.jobs.retrain.RetrainStreamCommand.class,
            io.sgnflow.jobs.demo.DemoCommand.class,
            io.sgnflow.jobs.tools.FaultCheck.class,
            CommandLine.HelpCommand.class
        })
public final class SgnCli implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CHECK_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Debug logging, and stack traces with errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line in this JVM and returns the exit code. */
    public static int run(String[] args) {
        CommandLine cli = newCommandLine();
        // Streaming commands take defaults from --config FILE; read it before parsing.
        if (args.length > 0 && cli.getSubcommands().containsKey(args[0])) {
            CommandLine sub = cli.getSubcommands().get(args[0]);
            if (!installConfig(sub, args)) {
                return EXIT_BAD_INPUT;
            }
        }
        return execute(cli, args);
    }

    /**
     * A job's {@code main} on a cluster: runs the command as {@link #runCommand} does, and on
     * failure throws instead of exiting. On a session cluster the program runs inside the
     * JobManager, where {@code System.exit} would stop the whole cluster; the exception instead
     * fails only this submission, and its message (the command's error lines) reaches whoever
     * submitted it.
     *
     * @throws IllegalArgumentException with the command's error output when it fails
     */
    public static void runAsJobMain(Object command, String[] args) {
        StringWriter errors = new StringWriter();
        CommandLine cli = configure(new CommandLine(command));
        PrintWriter console = cli.getErr();
        cli.setErr(
                new PrintWriter(
                        new Writer() {
                            @Override
                            public void write(char[] buffer, int offset, int length) {
                                console.write(buffer, offset, length);
                                errors.write(buffer, offset, length);
                            }

                            @Override
                            public void flush() {
                                console.flush();
                            }

                            @Override
                            public void close() {
                                console.flush();
                            }
                        },
                        true));
        int exit = installConfig(cli, args) ? execute(cli, args) : EXIT_BAD_INPUT;
        if (exit != EXIT_OK) {
            throw new IllegalArgumentException(
                    cli.getCommandName()
                            + " failed (exit code "
                            + exit
                            + "): "
                            + errors.toString().strip());
        }
    }

    /** Reads {@code --config FILE} defaults; on a bad file says why (and prints the JSON). */
    private static boolean installConfig(CommandLine cmd, String[] args) {
        try {
            io.sgnflow.jobs.config.ConfigFileDefaults.install(cmd, args);
            return true;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            cmd.getErr().println("sgn-flink " + cmd.getCommandName() + ": " + e.getMessage());
            printErrorSummary(cmd, EXIT_BAD_INPUT, e.getMessage());
            return false;
        }
    }

    /**
     * picocli reports exceptions; an error such as running out of memory would escape it with a
     * bare stack trace, so it is reported here the same way (exit code 3, JSON summary).
     */
    private static int execute(CommandLine cli, String[] args) {
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            String message =
                    "out of memory (largest heap "
                            + Runtime.getRuntime().maxMemory() / (1 << 20)
                            + " MB): the model or the data is too large for this JVM; use smaller"
                            + " --hidden/--dim or more heap (java -Xmx...)";
            cli.getErr().println("sgn-flink: error: " + message);
            CommandLine target = cli;
            if (args.length > 0 && cli.getSubcommands().containsKey(args[0])) {
                target = cli.getSubcommands().get(args[0]);
            }
            printErrorSummary(target, EXIT_INTERNAL, message);
            return EXIT_INTERNAL;
        }
    }

    /** The configured command line: error handlers, exit codes, verbose switch. */
    public static CommandLine newCommandLine() {
        return configure(new CommandLine(new SgnCli()));
    }

    private static CommandLine configure(CommandLine cli) {
        cli.setParameterExceptionHandler(new BadArguments());
        cli.setExecutionExceptionHandler(new Failures());
        cli.setExecutionStrategy(
                parseResult -> {
                    if (verbose(parseResult)) {
                        Configurator.setLevel("io.sgnflow", Level.DEBUG);
                    }
                    return new CommandLine.RunLast().execute(parseResult);
                });
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** True when {@code --verbose} was given at any level of the command. */
    static boolean verbose(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Even a failed run ends stdout with one JSON object, so scripts can always parse the last
     * line: {@code {"command": ..., "error": ..., "exitCode": ...}}.
     */
    static void printErrorSummary(CommandLine cmd, int code, String message) {
        new JsonSummary()
                .put("command", cmd.getCommandName())
                .put("error", String.valueOf(message))
                .put("exitCode", code)
                .print(cmd.getCommandSpec());
    }

    /** Bad options: one line naming the problem, a hint to --help, exit code 2. */
    private static final class BadArguments implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            printErrorSummary(cmd, EXIT_BAD_INPUT, ex.getMessage());
            return EXIT_BAD_INPUT;
        }
    }

    /** NIO's file exceptions often carry only the path as their message; name the problem too. */
    static String describe(FileSystemException problem) {
        String file = problem.getFile();
        if (problem.getReason() != null) {
            return file + ": " + problem.getReason();
        }
        if (problem instanceof FileAlreadyExistsException) {
            return "a file is in the way where a directory or new file is needed: " + file;
        }
        if (problem instanceof NotDirectoryException) {
            return "not a directory: " + file;
        }
        if (problem instanceof DirectoryNotEmptyException) {
            return "directory not empty: " + file;
        }
        return "cannot use " + file + " (" + problem.getClass().getSimpleName() + ")";
    }

    /** Failures while running: one line naming the problem, the exit code by kind. */
    private static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(
                Exception ex, CommandLine cmd, ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            String name = cmd.getCommandSpec().qualifiedName();
            int code;
            String message;
            if (ex instanceof ParameterException) {
                code = EXIT_BAD_INPUT;
                message = ex.getMessage();
            } else if (ex instanceof NoSuchFileException missing) {
                code = EXIT_BAD_INPUT;
                message = "file not found: " + missing.getFile();
            } else if (ex instanceof AccessDeniedException denied) {
                code = EXIT_BAD_INPUT;
                message = "permission denied: " + denied.getFile();
            } else if (ex instanceof FileSystemException fileProblem) {
                code = EXIT_BAD_INPUT;
                message = describe(fileProblem);
            } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
                code = EXIT_BAD_INPUT;
                message = ex.getMessage();
            } else if (ex instanceof IllegalArgumentException) {
                code = EXIT_BAD_INPUT;
                message = ex.getMessage();
            } else {
                code = EXIT_INTERNAL;
                message = "internal error: " + ex;
            }
            err.println(name + ": error: " + message);
            printErrorSummary(cmd, code, message);
            boolean verbose = verbose(parseResult);
            if (verbose) {
                ex.printStackTrace(err);
            } else if (code == EXIT_INTERNAL) {
                err.println("Run again with --verbose for the stack trace.");
            }
            err.flush();
            return code;
        }
    }

    /** Version of the build, read from the jar's Maven descriptor, and the model file format. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "sgn-flink " + buildVersion(),
                "model file format " + ModelFile.FORMAT + " v" + ModelFile.FORMAT_VERSION,
                "Java " + Runtime.version()
            };
        }

        static String buildVersion() {
            try (InputStream in =
                    SgnCli.class.getResourceAsStream(
                            "/META-INF/maven/io.sgnflow/sgn-jobs/pom.properties")) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    return properties.getProperty("version", "unknown");
                }
            } catch (IOException e) {
                // fall through
            }
            String implementation = SgnCli.class.getPackage().getImplementationVersion();
            return implementation != null ? implementation : "development build";
        }
    }
}
