package io.sgnflow.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.jobs.data.CsvOutput;
import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import io.sgnflow.jobs.data.RowError;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.core.AnomalyThreshold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgn-flink score}: log-likelihood, anomaly flag and tail probability per CSV row. */
@Command(
        name = "score",
        sortOptions = false,
        description = {
            "Scores every row of a CSV or CSV.gz file with a model and writes, in input order, one"
                    + " output row per input row: the score in nats (column log_likelihood for an"
                    + " SGN-Flow, iw_log_likelihood or elbo for an SGN-VAE), anomaly (1 when the"
                    + " score is below the model threshold, else 0), tail_probability, and the"
                    + " label copied when the input has the label column.",
            "The input needs the model's feature columns (any order); other columns, but the"
                    + " label, must be named in --exclude-columns. A row that cannot be scored is written with empty values and"
                    + " listed in <out>.rejects and in the summary (first "
                    + ScoreCommand.REJECT_SAMPLE
                    + ")."
        })
final class ScoreCommand implements Callable<Integer> {
    static final int REJECT_SAMPLE = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ScoreCommand.class);
    private static final int PROGRESS_ROWS = 100_000;

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file.")
    Path modelPath;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Input CSV.")
    Path data;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Output CSV (gzip when it ends in .gz).")
    Path out;

    @Option(
            names = "--label-column",
            paramLabel = "NAME",
            description = "Label column to copy (default: 'label' when the header has it).")
    String labelColumn;

    @Mixin ExcludedColumns excluded;

    @Override
    public Integer call() throws Exception {
        DensityModel model = CliFiles.readModel("--model", modelPath);
        CsvTable table = CliFiles.readTable("--data", data);
        List<String> features = model.featureNames();
        List<String> missing = table.missingColumns(features);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "--data: "
                            + data
                            + " lacks the model features "
                            + missing
                            + " (model version "
                            + model.version()
                            + " expects "
                            + features
                            + ")");
        }
        String label = CliFiles.labelColumn(table, labelColumn);
        List<String> ignored = CliFiles.otherColumns(table, data, model, label, excluded.names);
        if (!ignored.isEmpty()) {
            LOG.info("Leaving out the columns {} of {} (--exclude-columns)", ignored, data);
        }
        NumericRows rows = table.numeric(features, null);
        if (Files.exists(out) && Files.isSameFile(out, data)) {
            throw new IllegalArgumentException(
                    "--out " + out + " is the input file (--data); choose another output path");
        }
        Path rejectsFile = Path.of(out + ".rejects");
        CliFiles.prepareOutput("--out", out, data, modelPath);
        CliFiles.prepareOutput("--out (its .rejects file)", rejectsFile, data, modelPath);
        LOG.info(
                "Scoring {} rows of {} with {} model version {} by {} (threshold {})",
                rows.size(),
                data,
                model.modelType(),
                model.version(),
                model.scoreKind().id(),
                model.threshold().threshold());

        List<String> header =
                new ArrayList<>(List.of(scoreColumn(model), "anomaly", "tail_probability"));
        if (label != null) {
            header.add(label);
        }
        DensityScorer scorer = model.newScorer();
        AnomalyThreshold threshold = model.threshold();
        List<RowError> rejects = new ArrayList<>();
        long scored = 0;
        long anomalies = 0;
        try (CSVPrinter printer = CsvOutput.create(out, header);
                CSVPrinter rejectPrinter =
                        CsvOutput.create(rejectsFile, List.of("line", "reason"))) {
            List<String> record = new ArrayList<>(header.size());
            for (int i = 0; i < rows.size(); i++) {
                record.clear();
                String error = rows.error(i);
                double logLikelihood = Double.NaN;
                if (error == null) {
                    logLikelihood = scorer.score(rows.values(i));
                    if (!Double.isFinite(logLikelihood)) {
                        error = header.get(0) + " is " + logLikelihood;
                    }
                }
                if (error == null) {
                    boolean anomaly = threshold.isAnomaly(logLikelihood);
                    record.add(Double.toString(logLikelihood));
                    record.add(anomaly ? "1" : "0");
                    record.add(Double.toString(threshold.tailProbability(logLikelihood)));
                    scored++;
                    if (anomaly) {
                        anomalies++;
                    }
                } else {
                    record.add(null);
                    record.add(null);
                    record.add(null);
                    RowError reject = new RowError(rows.line(i), error);
                    rejects.add(reject);
                    rejectPrinter.printRecord(reject.line(), reject.reason());
                    if (rejects.size() <= 10) {
                        LOG.warn("Rejected row at {}", reject);
                    }
                }
                if (label != null) {
                    String value = table.value(i, label);
                    record.add(value);
                }
                printer.printRecord(record);
                if ((i + 1) % PROGRESS_ROWS == 0) {
                    LOG.info("Scored {} of {} rows", i + 1, rows.size());
                }
            }
        }
        LOG.info(
                "Wrote {} rows to {}: {} scored, {} anomalies, {} rejected (listed in {})",
                rows.size(),
                out,
                scored,
                anomalies,
                rejects.size(),
                rejectsFile);

        JsonSummary summary = new JsonSummary();
        summary.put("command", "score")
                .put("rows", rows.size())
                .put("scored", scored)
                .put("rejected", rejects.size())
                .put("anomalies", anomalies)
                .put("modelVersion", model.version())
                .put("modelType", model.modelType())
                .put("scoreKind", model.scoreKind().id())
                .put("threshold", threshold.threshold())
                .put("out", out.toAbsolutePath().toString())
                .put("rejectsFile", rejectsFile.toAbsolutePath().toString());
        ArrayNode sample = summary.root().putArray("rejectsSample");
        for (RowError reject : rejects.subList(0, Math.min(REJECT_SAMPLE, rejects.size()))) {
            ObjectNode entry = sample.addObject();
            entry.put("line", reject.line());
            entry.put("reason", reject.reason());
        }
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }

    /**
     * Name of the score column: {@code log_likelihood} for SGN-Flow (its exact log p(x)), else the
     * score kind ({@code elbo} or {@code iw_log_likelihood}), so the header says which bound it is.
     */
    static String scoreColumn(DensityModel model) {
        return model.scoreKind() == ScoreKind.EXACT_LOG_LIKELIHOOD
                ? "log_likelihood"
                : model.scoreKind().id();
    }
}
