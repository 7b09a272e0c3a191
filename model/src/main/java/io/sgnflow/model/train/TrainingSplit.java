package io.sgnflow.model.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The rows of one training run after the checks both trainers share: every row of length D and
 * finite, exact duplicates dropped when configured (point masses make a density fit degenerate), at
 * least ten distinct rows, then a seeded shuffle into training and validation rows.
 *
 * @param train rows for gradient steps
 * @param validation held-out rows for early stopping and the threshold
 * @param duplicatesRemoved exact duplicate rows dropped
 */
record TrainingSplit(double[][] train, double[][] validation, int duplicatesRemoved) {

    /**
     * @param random the run's generator; the split draws from it first, so a seed fixes the run
     * @throws IllegalArgumentException naming the row and feature of a bad value, or when fewer
     *     than ten distinct rows remain
     */
    static TrainingSplit of(double[][] input, int d, TrainingConfig config, Random random) {
        checkRows(input, d);
        double[][] rows = input;
        int duplicates = 0;
        if (config.dropDuplicates()) {
            rows = distinctRows(input);
            duplicates = input.length - rows.length;
        }
        if (rows.length < 10) {
            throw new IllegalArgumentException(
                    "training needs at least 10 distinct rows, found " + rows.length);
        }
        int[] order = shuffled(rows.length, random);
        int validationCount =
                Math.max(1, (int) Math.round(rows.length * config.validationFraction()));
        int trainCount = rows.length - validationCount;
        double[][] train = new double[trainCount][];
        double[][] validation = new double[validationCount][];
        for (int i = 0; i < rows.length; i++) {
            if (i < trainCount) {
                train[i] = rows[order[i]];
            } else {
                validation[i - trainCount] = rows[order[i]];
            }
        }
        return new TrainingSplit(train, validation, duplicates);
    }

    /** A uniformly shuffled 0 … count−1 (Fisher–Yates). */
    static int[] shuffled(int count, Random random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    private static void checkRows(double[][] rows, int d) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " values, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException(
                            "row "
                                    + i
                                    + " feature "
                                    + j
                                    + " is "
                                    + rows[i][j]
                                    + "; training rows must be finite");
                }
            }
        }
    }

    private static double[][] distinctRows(double[][] rows) {
        Set<RowKey> seen = new HashSet<>();
        List<double[]> out = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            if (seen.add(new RowKey(row))) {
                out.add(row);
            }
        }
        return out.toArray(new double[0][]);
    }

    private record RowKey(double[] row) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey other && Arrays.equals(row, other.row);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(row);
        }
    }
}
