package io.sgnflow.jobs.demo;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The data of a demo run: a training part (features only) and a test part replayed as events, with
 * optional 0/1 labels. Read from {@code train.csv(.gz)} and {@code test.csv(.gz)} of a directory,
 * or generated.
 *
 * @param description what the data is, for stderr and the report's {@code data} field
 * @param featureNames feature columns (never the label column)
 * @param train training rows
 * @param test test rows, replayed in order
 * @param labels labels of the test rows (true = anomaly), or null when there are none
 * @param rawTest for each test row that does not parse, its raw feature cells (null for the rows
 *     that do, and for all rows of generated data), so that it is replayed as it was
 */
public record DemoData(
        String description,
        List<String> featureNames,
        double[][] train,
        double[][] test,
        boolean[] labels,
        String[][] rawTest) {

    /** Reads {@code train.csv[.gz]} and {@code test.csv[.gz]} of {@code dir}. */
    public static DemoData read(Path dir) throws IOException {
        Path trainFile = find(dir, "train");
        Path testFile = find(dir, "test");
        CsvTable trainTable = CsvTable.read(trainFile);
        CsvTable testTable = CsvTable.read(testFile);
        String trainLabel = trainTable.labelColumn(null).orElse(null);
        List<String> features = trainTable.featureColumns(trainLabel, List.of());
        List<String> missing = testTable.missingColumns(features);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    testFile + " lacks the training feature columns " + missing);
        }
        String testLabel = testTable.labelColumn(null).orElse(null);
        double[][] train = trainTable.numeric(features, null).validValues();
        NumericRows testRows = testTable.numeric(features, testLabel);
        // Every test row is replayed; unusable rows are sent as they are and become dead
        // letters, so only the parsed ones are kept here (with NaN rows for the others).
        int n = testTable.rowCount();
        double[][] test = new double[n][];
        String[][] raw = new String[n][];
        boolean[] labels = testLabel == null ? null : new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean valid = testRows.isValid(i);
            test[i] = valid ? testRows.values(i) : nanRow(features.size());
            if (!valid) {
                raw[i] = new String[features.size()];
                for (int j = 0; j < raw[i].length; j++) {
                    raw[i][j] = testTable.value(i, features.get(j));
                }
            }
            if (labels != null && valid) {
                labels[i] = testRows.label(i);
            }
        }
        String description =
                dir.toAbsolutePath().normalize()
                        + " ("
                        + train.length
                        + " train rows, "
                        + n
                        + " test rows, "
                        + features.size()
                        + " features"
                        + (labels == null ? ", no labels" : ", labelled")
                        + ")";
        return new DemoData(description, features, train, test, labels, raw);
    }

    private static double[] nanRow(int d) {
        double[] row = new double[d];
        java.util.Arrays.fill(row, Double.NaN);
        return row;
    }

    private static Path find(Path dir, String name) throws IOException {
        for (String candidate : List.of(name + ".csv", name + ".csv.gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(
                dir.resolve(name + ".csv(.gz)").toString(), null, "file not found");
    }

    /**
     * A generated multivariate stream: {@code d} features driven by 3 shared latent factors plus a
     * daily-like cycle and noise (so features are strongly correlated). The test part has a regime
     * shift half-way (changed loadings and offsets) and labelled injected anomalies in a few
     * segments: spikes, a broken correlation, and a drift of one feature.
     */
    public static DemoData generated(int d, int trainRows, int testRows, long seed) {
        Random random = new Random(seed);
        int factors = 3;
        double[][] loadings = new double[d][factors];
        double[][] shifted = new double[d][factors];
        double[] offsets = new double[d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < factors; k++) {
                loadings[j][k] = random.nextGaussian();
                shifted[j][k] = loadings[j][k] + 0.8 * random.nextGaussian();
            }
            offsets[j] = 1.5 * random.nextGaussian();
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("x" + j);
        }
        double[][] train = new double[trainRows][];
        for (int i = 0; i < trainRows; i++) {
            train[i] = row(random, loadings, new double[d], i, d, factors);
        }
        double[][] test = new double[testRows][];
        boolean[] labels = new boolean[testRows];
        int shiftAt = testRows / 2;
        for (int i = 0; i < testRows; i++) {
            boolean after = i >= shiftAt;
            test[i] =
                    row(
                            random,
                            after ? shifted : loadings,
                            after ? offsets : new double[d],
                            trainRows + i,
                            d,
                            factors);
        }
        // Anomaly segments at fixed fractions of the test part, two before and two after the
        // shift.
        double[][] segments = {{0.15, 0.012}, {0.33, 0.02}, {0.62, 0.015}, {0.85, 0.02}};
        for (int s = 0; s < segments.length; s++) {
            int from = (int) (segments[s][0] * testRows);
            int len = Math.max(5, (int) (segments[s][1] * testRows));
            for (int i = from; i < Math.min(testRows, from + len); i++) {
                labels[i] = true;
                double[] x = test[i];
                switch (s % 3) {
                    case 0 -> x[s % d] += 6 + 2 * random.nextGaussian(); // spike
                    case 1 -> { // broken correlation: two features swap sign
                        x[1 % d] = -x[1 % d] + random.nextGaussian();
                        x[2 % d] = -x[2 % d] + random.nextGaussian();
                    }
                    default -> x[(d - 1)] += 4.0 * (i - from + 1) / len + 2; // drift
                }
            }
        }
        String description =
                "generated ("
                        + d
                        + " correlated features, "
                        + trainRows
                        + " train rows, "
                        + testRows
                        + " test rows, regime shift at test row "
                        + shiftAt
                        + ", "
                        + segments.length
                        + " labelled anomaly segments)";
        return new DemoData(
                description, List.copyOf(names), train, test, labels, new String[testRows][]);
    }

    private static double[] row(
            Random random, double[][] loadings, double[] offsets, int t, int d, int factors) {
        double[] z = new double[factors];
        for (int k = 0; k < factors; k++) {
            z[k] = random.nextGaussian();
        }
        double cycle = Math.sin(2 * Math.PI * t / 1440.0);
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            double v = offsets[j] + 0.7 * cycle * (j % 2 == 0 ? 1 : -1);
            for (int k = 0; k < factors; k++) {
                v += loadings[j][k] * z[k];
            }
            x[j] = v + 0.2 * random.nextGaussian();
        }
        return x;
    }

    public boolean hasLabels() {
        return labels != null;
    }
}
