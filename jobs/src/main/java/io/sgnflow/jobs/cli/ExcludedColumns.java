package io.sgnflow.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --exclude-columns} option of the commands that read a model's features from a CSV. */
final class ExcludedColumns {
    @Option(
            names = "--exclude-columns",
            split = ",",
            paramLabel = "NAME",
            description =
                    "Columns that are neither model features nor the label; any other column the"
                            + " model does not know is an error.")
    List<String> names = new ArrayList<>();
}
