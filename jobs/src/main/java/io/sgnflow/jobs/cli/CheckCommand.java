package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.check.NumericalContracts;
import io.sgnflow.model.check.VaeContracts;
import io.sgnflow.model.vae.SgnVaeModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgn-flink check}: the numerical contracts of DESIGN §5 on a model. */
@Command(
        name = "check",
        sortOptions = false,
        description = {
            "Checks the numerical contracts of a model (invertibility, unit Jacobian of the"
                    + " leapfrog core, log-likelihood against a brute-force change of variables) on"
                    + " evenly spaced valid rows of a CSV file, or on events sampled from the model"
                    + " when no data is given.",
            "Limits:",
            "  round trip g(Phi(Phi^-1(g^-1(x)))) = x, relative error <= "
                    + CheckCommand.ROUND_TRIP_RELATIVE_LIMIT,
            "  |log det dPhi/dz| (finite differences) <= " + CheckCommand.FLOW_LOG_DET_LIMIT,
            "  |log p(x) - brute-force change of variables| <= " + CheckCommand.BRUTE_FORCE_LIMIT,
            "For an SGN-VAE the same contracts hold for its latent core at the encoder means:",
            "  latent round trip Phi^-1(Phi(z0)) = z0, |log det dPhi/dz0|, and the model's log"
                    + " importance weight against a brute-force change of variables.",
            "Exit code 1 when a contract fails."
        })
final class CheckCommand implements Callable<Integer> {
    static final double ROUND_TRIP_RELATIVE_LIMIT = 1e-9;
    static final double FLOW_LOG_DET_LIMIT = 1e-8;
    static final double BRUTE_FORCE_LIMIT = 1e-6;

    /** Rows farther than this from the training data (in standard units) are not checked. */
    static final double MAX_STANDARD_UNITS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(CheckCommand.class);

    @Spec CommandSpec spec;

    private int farRows;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file.")
    Path modelPath;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            description = "CSV with the model's feature columns (default: sample from the model).")
    Path data;

    @Option(
            names = "--rows",
            paramLabel = "N",
            defaultValue = "20",
            description = "Number of events to check (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed for sampling from the model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be >= 1, was " + rows);
        }
        DensityModel model = CliFiles.readModel("--model", modelPath);
        double[][] events;
        String source;
        if (data == null) {
            events = model.sample(rows, new Random(seed));
            source = "model-samples";
        } else {
            events = dataRows(model);
            source = "data";
        }
        LOG.info(
                "Checking {} model version {} on {} events ({})",
                model.modelType(),
                model.version(),
                events.length,
                source);
        double roundTripAbs;
        double roundTripRelative;
        double flowLogDet;
        double bruteForce;
        String bruteForceKey;
        if (model instanceof SgnVaeModel vae) {
            roundTripRelative = VaeContracts.latentRoundTripMaxRelativeError(vae, events);
            roundTripAbs = VaeContracts.latentRoundTripMaxAbsError(vae, events);
            flowLogDet = VaeContracts.latentFlowLogDetMaxAbs(vae, events);
            bruteForce = VaeContracts.logWeightVsBruteForceMaxAbs(vae, events, 2, seed);
            bruteForceKey = "logWeightVsBruteForceMaxAbs";
        } else {
            SgnFlowModel flow = (SgnFlowModel) model;
            roundTripAbs = NumericalContracts.roundTripMaxAbsError(flow, events);
            roundTripRelative = NumericalContracts.roundTripMaxRelativeError(flow, events);
            flowLogDet = NumericalContracts.flowLogDetMaxAbs(flow, events);
            bruteForce = NumericalContracts.logLikelihoodVsBruteForceMaxAbs(flow, events);
            bruteForceKey = "logLikelihoodVsBruteForceMaxAbs";
        }
        boolean roundTripOk = roundTripRelative <= ROUND_TRIP_RELATIVE_LIMIT;
        boolean logDetOk = flowLogDet <= FLOW_LOG_DET_LIMIT;
        boolean bruteForceOk = bruteForce <= BRUTE_FORCE_LIMIT;
        boolean passed = passes(roundTripRelative, flowLogDet, bruteForce);
        report(
                "round trip relative error",
                roundTripRelative,
                ROUND_TRIP_RELATIVE_LIMIT,
                roundTripOk);
        report("|flow log det|", flowLogDet, FLOW_LOG_DET_LIMIT, logDetOk);
        report(
                model instanceof SgnVaeModel
                        ? "|log weight - brute force|"
                        : "|log p - brute force|",
                bruteForce,
                BRUTE_FORCE_LIMIT,
                bruteForceOk);

        JsonSummary summary = new JsonSummary();
        summary.put("command", "check")
                .put("modelVersion", model.version())
                .put("modelType", model.modelType())
                .put("source", source)
                .put("rows", events.length)
                .put("farRowsLeftOut", farRows)
                .put("roundTripMaxAbsError", roundTripAbs)
                .put("roundTripMaxRelativeError", roundTripRelative)
                .put("flowLogDetMaxAbs", flowLogDet)
                .put(bruteForceKey, bruteForce)
                .put("roundTripMaxRelativeErrorLimit", ROUND_TRIP_RELATIVE_LIMIT)
                .put("flowLogDetMaxAbsLimit", FLOW_LOG_DET_LIMIT)
                .put(bruteForceKey + "Limit", BRUTE_FORCE_LIMIT)
                .put("passed", passed);
        summary.print(spec);
        return passed ? SgnCli.EXIT_OK : SgnCli.EXIT_CHECK_FAILED;
    }

    private double[][] dataRows(DensityModel model) throws IOException {
        CsvTable table = CliFiles.readTable("--data", data);
        List<String> missing = table.missingColumns(model.featureNames());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "--data: " + data + " lacks the model features " + missing);
        }
        NumericRows numeric = table.numeric(model.featureNames(), null);
        double[][] parsed = numeric.validValues();
        if (parsed.length == 0) {
            throw new IllegalArgumentException("--data: " + data + " has no usable row");
        }
        if (numeric.rejectedCount() > 0) {
            LOG.warn("Ignoring {} unusable rows of {}", numeric.rejectedCount(), data);
        }
        // The contracts hold for events in the data's range (DESIGN §5: "on in-distribution
        // data"); far out, finite differences and round trips lose their digits to the size of
        // the numbers, which says nothing about the model.
        java.util.List<double[]> inRange = new java.util.ArrayList<>();
        double[] y = new double[model.dim()];
        for (double[] row : parsed) {
            model.standardizer().apply(row, y);
            double largest = 0;
            for (double v : y) {
                largest = Math.max(largest, Math.abs(v));
            }
            if (largest <= MAX_STANDARD_UNITS) {
                inRange.add(row);
            }
        }
        farRows = parsed.length - inRange.size();
        if (farRows > 0) {
            LOG.warn(
                    "Leaving out {} rows of {} more than {} standard units from the training data",
                    farRows,
                    data,
                    MAX_STANDARD_UNITS);
        }
        double[][] valid = inRange.toArray(new double[0][]);
        if (valid.length == 0) {
            throw new IllegalArgumentException(
                    "--data: every usable row of "
                            + data
                            + " is more than "
                            + MAX_STANDARD_UNITS
                            + " standard units from the training data");
        }
        int count = Math.min(rows, valid.length);
        double[][] events = new double[count][];
        for (int i = 0; i < count; i++) {
            events[i] = valid[(int) ((long) i * valid.length / count)];
        }
        return events;
    }

    /** True when every figure is within its limit (NaN fails). */
    static boolean passes(double roundTripRelative, double flowLogDet, double bruteForce) {
        return roundTripRelative <= ROUND_TRIP_RELATIVE_LIMIT
                && flowLogDet <= FLOW_LOG_DET_LIMIT
                && bruteForce <= BRUTE_FORCE_LIMIT;
    }

    private static void report(String what, double value, double limit, boolean ok) {
        if (ok) {
            LOG.info("{} = {} (limit {}): ok", what, value, limit);
        } else {
            LOG.warn("{} = {} (limit {}): FAILED", what, value, limit);
        }
    }
}
