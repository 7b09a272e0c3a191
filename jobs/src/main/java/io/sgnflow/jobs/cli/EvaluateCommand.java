package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import io.sgnflow.jobs.data.RowError;
import io.sgnflow.jobs.eval.DetectionMetrics;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgn-flink evaluate}: detection quality of a model on labelled data. */
@Command(
        name = "evaluate",
        sortOptions = false,
        description = {
            "Scores a labelled CSV or CSV.gz file (label 1 = anomaly, 0 = normal) and reports"
                    + " detection metrics with anomaly score = -(the model's score): aucRoc"
                    + " (rank-based, ties averaged), aucPr (average precision), bestF1 over all"
                    + " thresholds, and precision, recall, f1 at the model's threshold.",
            "--point-adjust adds pointAdjustedF1 (with its precision and recall) at the model"
                    + " threshold: a contiguous run of anomalous rows (in file order) counts as"
                    + " detected in full when any of its rows is flagged.",
            "Rows that cannot be scored or have a label other than 0/1 are skipped (WARN,"
                    + " counted)."
        })
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file.")
    Path modelPath;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled CSV.")
    Path data;

    @Option(
            names = "--label-column",
            paramLabel = "NAME",
            description = "Label column (default: ${DEFAULT-VALUE}).",
            defaultValue = CsvTable.DEFAULT_LABEL_COLUMN)
    String labelColumn;

    @Option(
            names = "--point-adjust",
            description = "Also report the point-adjusted F1 (time-series convention).")
    boolean pointAdjust;

    @Mixin ExcludedColumns excluded;

    @Override
    public Integer call() throws Exception {
        DensityModel model = CliFiles.readModel("--model", modelPath);
        CsvTable table = CliFiles.readTable("--data", data);
        if (!table.hasColumn(labelColumn)) {
            throw new IllegalArgumentException(
                    "--label-column: "
                            + data
                            + " has no column '"
                            + labelColumn
                            + "'; its header is "
                            + table.header());
        }
        List<String> features = model.featureNames();
        List<String> missing = table.missingColumns(features);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "--data: " + data + " lacks the model features " + missing);
        }
        List<String> ignored =
                CliFiles.otherColumns(table, data, model, labelColumn, excluded.names);
        if (!ignored.isEmpty()) {
            LOG.info("Leaving out the columns {} of {} (--exclude-columns)", ignored, data);
        }
        NumericRows rows = table.numeric(features, labelColumn);
        List<RowError> errors = rows.errors();
        for (int i = 0; i < Math.min(10, errors.size()); i++) {
            LOG.warn("Skipping row at {}", errors.get(i));
        }
        if (errors.size() > 10) {
            LOG.warn("Skipped {} rows in total", errors.size());
        }
        rows.requireValidRows("--data", data);

        double[][] values = rows.validValues();
        boolean[] labels = rows.validLabels();
        LOG.info(
                "Evaluating {} model version {} ({}) on {} rows of {}",
                model.modelType(),
                model.version(),
                model.scoreKind().id(),
                values.length,
                data);
        DensityScorer scorer = model.newScorer();
        double[] scores = new double[values.length];
        boolean[] flagged = new boolean[values.length];
        long flaggedCount = 0;
        for (int i = 0; i < values.length; i++) {
            double logLikelihood = scorer.score(values[i]);
            if (Double.isNaN(logLikelihood)) {
                throw new IllegalArgumentException(
                        "--data: the model cannot score line "
                                + rows.validLines()[i]
                                + " of "
                                + data
                                + " ("
                                + model.scoreKind().id()
                                + " is NaN)");
            }
            scores[i] = -logLikelihood;
            flagged[i] = model.threshold().isAnomaly(logLikelihood);
            if (flagged[i]) {
                flaggedCount++;
            }
        }
        double aucRoc = DetectionMetrics.aucRoc(scores, labels);
        double aucPr = DetectionMetrics.averagePrecision(scores, labels);
        DetectionMetrics.BestF1 best = DetectionMetrics.bestF1(scores, labels);
        DetectionMetrics.Confusion atThreshold = DetectionMetrics.confusion(flagged, labels);
        long anomalies = atThreshold.truePositives() + atThreshold.falseNegatives();

        JsonSummary summary = new JsonSummary();
        summary.put("command", "evaluate")
                .put("rows", values.length)
                .put("skippedRows", errors.size())
                .put("anomalies", anomalies)
                .put("modelVersion", model.version())
                .put("modelType", model.modelType())
                .put("scoreKind", model.scoreKind().id())
                .put("aucRoc", aucRoc)
                .put("aucPr", aucPr)
                .put("bestF1", best.f1())
                .put("bestF1Precision", best.precision())
                .put("bestF1Recall", best.recall())
                .put("bestF1LogLikelihoodThreshold", -best.threshold())
                .put("threshold", model.threshold().threshold())
                .put("alpha", model.threshold().alpha())
                .put("flagged", flaggedCount)
                .put("precision", atThreshold.precision())
                .put("recall", atThreshold.recall())
                .put("f1", atThreshold.f1());
        if (pointAdjust) {
            DetectionMetrics.Confusion adjusted =
                    DetectionMetrics.confusion(
                            DetectionMetrics.pointAdjust(flagged, labels), labels);
            summary.put("pointAdjustedPrecision", adjusted.precision())
                    .put("pointAdjustedRecall", adjusted.recall())
                    .put("pointAdjustedF1", adjusted.f1());
        }
        LOG.info(
                "AUC-ROC {}, AUC-PR {}, best F1 {}, F1 at threshold {}",
                String.format(Locale.ROOT, "%.4f", aucRoc),
                String.format(Locale.ROOT, "%.4f", aucPr),
                String.format(Locale.ROOT, "%.4f", best.f1()),
                String.format(Locale.ROOT, "%.4f", atThreshold.f1()));
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }
}
