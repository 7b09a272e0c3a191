package io.sgnflow.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One in-process run of the command line: exit code, stdout, stderr, the JSON summary. */
record CliRun(int exitCode, String stdout, String stderr) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Runs {@code base} followed by {@code more}. */
    static CliRun of(List<?> base, Object... more) {
        List<Object> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return of(all.toArray());
    }

    static CliRun of(Object... args) {
        String[] strings = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            strings[i] = String.valueOf(args[i]);
        }
        CommandLine cli = SgnCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(strings);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The last line of stdout parsed as JSON. */
    JsonNode json() {
        List<String> lines = stdout.strip().lines().toList();
        if (lines.isEmpty()) {
            throw new AssertionError("no stdout; stderr was: " + stderr);
        }
        try {
            return MAPPER.readTree(lines.get(lines.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException("last stdout line is not JSON: " + stdout, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }
}
