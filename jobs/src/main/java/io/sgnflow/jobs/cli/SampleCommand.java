package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvOutput;
import io.sgnflow.model.DensityModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgn-flink sample}: draws events from a model into a CSV file. */
@Command(
        name = "sample",
        sortOptions = false,
        description =
                "Draws events from a model (SGN-Flow: x = g(Phi(z0)), z0 ~ N(0, I); SGN-VAE: z ~"
                        + " N(0, I), x ~ p(x|z)) and writes them as CSV with the model's feature"
                        + " names as header (gzip when --out ends in .gz).")
final class SampleCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SampleCommand.class);

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file.")
    Path modelPath;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of events.")
    int count;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output CSV.")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new IllegalArgumentException("--n must be >= 0, was " + count);
        }
        DensityModel model = CliFiles.readModel("--model", modelPath);
        CliFiles.prepareOutput("--out", out, modelPath);
        Random random = new Random(seed);
        try (CSVPrinter printer = CsvOutput.create(out, model.featureNames())) {
            List<String> record = new ArrayList<>(model.dim());
            for (int i = 0; i < count; i++) {
                double[] event = model.sample(1, random)[0];
                record.clear();
                for (double value : event) {
                    record.add(Double.toString(value));
                }
                printer.printRecord(record);
            }
        }
        LOG.info("Wrote {} events from model version {} to {}", count, model.version(), out);

        JsonSummary summary = new JsonSummary();
        summary.put("command", "sample")
                .put("rows", count)
                .put("features", model.dim())
                .put("seed", seed)
                .put("modelVersion", model.version())
                .put("modelType", model.modelType())
                .put("out", out.toAbsolutePath().toString());
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }
}
