package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.io.InvalidModelFileException;
import io.sgnflow.model.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Opening the files named on the command line, with messages that name the option and path. */
final class CliFiles {
    private CliFiles() {}

    /**
     * @throws IllegalArgumentException naming the option and path when the file is missing, a
     *     directory or unreadable
     */
    static void requireReadableFile(String option, Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(option + ": file not found: " + path);
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(
                    option + ": " + path + " is a directory, not a file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(option + ": cannot read " + path + " (permission)");
        }
    }

    /**
     * Reads a model file.
     *
     * @throws IllegalArgumentException naming the option, path and reason when it is missing or not
     *     a valid model
     */
    static DensityModel readModel(String option, Path path) throws IOException {
        requireReadableFile(option, path);
        try {
            return ModelFile.load(path);
        } catch (InvalidModelFileException e) {
            throw new IllegalArgumentException(
                    option + ": " + path + " is not a valid model file: " + e.getMessage(), e);
        }
    }

    /**
     * Parses an option value, prefixing a rejection with the option's name.
     *
     * @throws IllegalArgumentException "option: reason" when {@code parse} rejects the value
     */
    static <T> T option(String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Reads a CSV or CSV.gz table named by an option. */
    static CsvTable readTable(String option, Path path) throws IOException {
        requireReadableFile(option, path);
        try {
            return CsvTable.read(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /**
     * The label column: {@code requested} (which must exist), else "label" when present, else null.
     */
    static String labelColumn(CsvTable table, String requested) {
        try {
            return table.labelColumn(requested).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--label-column: " + e.getMessage(), e);
        }
    }

    /**
     * The data's columns that are neither model features nor the label. Each must be named in
     * {@code --exclude-columns}: a column the model does not know usually means a model trained on
     * other data, which would otherwise be scored silently on a subset of the columns.
     *
     * @throws IllegalArgumentException naming the unexpected columns and the model's features, or a
     *     label column that is a model feature
     */
    static List<String> otherColumns(
            CsvTable table, Path data, DensityModel model, String label, List<String> excluded) {
        if (label != null && model.featureNames().contains(label)) {
            throw new IllegalArgumentException(
                    "--label-column: '"
                            + label
                            + "' is a feature of the model; the label must be another column");
        }
        List<String> other = table.otherColumns(model.featureNames(), label);
        List<String> unexpected = new ArrayList<>(other);
        unexpected.removeAll(excluded);
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException(
                    "--data: "
                            + data
                            + " has columns "
                            + unexpected
                            + " that are not features of the model (version "
                            + model.version()
                            + " has "
                            + model.featureNames()
                            + "); a model of other data? To score on the model's columns anyway,"
                            + " name them: --exclude-columns "
                            + String.join(",", unexpected));
        }
        return other;
    }

    /**
     * Makes sure an output file can be written before any work is done: not a directory or other
     * special file, not one of the command's inputs, and in a directory this process can create
     * files in (created when missing).
     *
     * @param inputs the command's input files (compared by identity, symlinks resolved)
     * @throws IllegalArgumentException naming the option, the path and the problem
     */
    static void prepareOutput(String option, Path path, Path... inputs) throws IOException {
        if (path.toString().isBlank()) {
            throw new IllegalArgumentException(option + ": the path is empty");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + ": " + path + " is a directory");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    option + ": " + path + " exists and is not a regular file");
        }
        for (Path input : inputs) {
            if (input != null
                    && Files.exists(path)
                    && Files.exists(input)
                    && Files.isSameFile(path, input)) {
                throw new IllegalArgumentException(
                        option
                                + ": "
                                + path
                                + " is also an input of this command ("
                                + input
                                + "); choose another output path");
            }
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
            try {
                Path probe = Files.createTempFile(parent, ".sgn-write-check", ".tmp");
                Files.delete(probe);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        option
                                + ": cannot create files in "
                                + parent
                                + " ("
                                + (e.getMessage() == null
                                        ? e.getClass().getSimpleName()
                                        : e.getMessage())
                                + ")",
                        e);
            }
        }
    }
}
