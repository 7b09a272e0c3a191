package io.sgnflow.jobs.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Anomaly-detection metrics from scores (higher = more anomalous) and 0/1 labels (true = anomaly).
 *
 * <ul>
 *   <li>{@link #aucRoc}: area under the ROC curve from the rank-sum (Mann–Whitney U) statistic,
 *       with tied scores given their average rank, so a tie counts one half.
 *   <li>{@link #averagePrecision}: AUC-PR as average precision, Σ (R_k − R_{k−1}) P_k over the
 *       distinct score thresholds, taken from high to low (tied scores enter together).
 *   <li>{@link #bestF1}: the largest F1 over all distinct thresholds "score ≥ t".
 *   <li>{@link #confusion}: counts, precision, recall and F1 of given predictions.
 *   <li>{@link #pointAdjust}: point adjustment for time series: every contiguous run of anomalous
 *       labels counts as detected in full when any point of it is predicted.
 * </ul>
 *
 * <p>Stateless; arrays are not modified.
 */
public final class DetectionMetrics {
    private DetectionMetrics() {}

    /**
     * Rank-based ROC AUC with average ranks for ties.
     *
     * @throws IllegalArgumentException if lengths differ, a score is NaN, or a class is absent
     */
    public static double aucRoc(double[] scores, boolean[] labels) {
        checkInputs(scores, labels);
        int n = scores.length;
        long positives = countTrue(labels);
        long negatives = n - positives;
        Integer[] order = ascending(scores);
        double positiveRankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            // Ranks i+1 .. j+1 (1-based) share their average.
            double averageRank = (i + 1 + j + 1) / 2.0;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    positiveRankSum += averageRank;
                }
            }
            i = j + 1;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }

    /**
     * Average precision (area under the precision-recall curve, step-wise).
     *
     * @throws IllegalArgumentException if lengths differ, a score is NaN, or a class is absent
     */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        checkInputs(scores, labels);
        long positives = countTrue(labels);
        Integer[] order = descending(scores);
        double ap = 0;
        long truePositives = 0;
        long predicted = 0;
        double previousRecall = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (labels[order[j]]) {
                    truePositives++;
                }
                predicted++;
                j++;
            }
            double recall = (double) truePositives / positives;
            double precision = (double) truePositives / predicted;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j;
        }
        return ap;
    }

    /**
     * The best F1 over all thresholds "score ≥ t", t running over the distinct scores.
     *
     * @throws IllegalArgumentException if lengths differ, a score is NaN, or a class is absent
     */
    public static BestF1 bestF1(double[] scores, boolean[] labels) {
        checkInputs(scores, labels);
        long positives = countTrue(labels);
        Integer[] order = descending(scores);
        BestF1 best = new BestF1(0, Double.POSITIVE_INFINITY, 0, 0);
        long truePositives = 0;
        long predicted = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (labels[order[j]]) {
                    truePositives++;
                }
                predicted++;
                j++;
            }
            double precision = (double) truePositives / predicted;
            double recall = (double) truePositives / positives;
            double f1 = f1(precision, recall);
            if (f1 > best.f1()) {
                best = new BestF1(f1, scores[order[i]], precision, recall);
            }
            i = j;
        }
        return best;
    }

    /**
     * Confusion counts of predictions against labels.
     *
     * @throws IllegalArgumentException if lengths differ
     */
    public static Confusion confusion(boolean[] predicted, boolean[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(
                    predicted.length + " predictions but " + labels.length + " labels");
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i]) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (labels[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, fn, tn);
    }

    /**
     * Point-adjusted predictions: a copy of {@code predicted} in which every contiguous segment of
     * true labels is predicted in full when at least one of its points is predicted. Arrays are in
     * time order.
     *
     * @throws IllegalArgumentException if lengths differ
     */
    public static boolean[] pointAdjust(boolean[] predicted, boolean[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(
                    predicted.length + " predictions but " + labels.length + " labels");
        }
        boolean[] adjusted = predicted.clone();
        int i = 0;
        while (i < labels.length) {
            if (!labels[i]) {
                i++;
                continue;
            }
            int end = i;
            boolean detected = false;
            while (end < labels.length && labels[end]) {
                detected |= predicted[end];
                end++;
            }
            if (detected) {
                Arrays.fill(adjusted, i, end, true);
            }
            i = end;
        }
        return adjusted;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0. */
    public static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /**
     * The best F1 and where it is reached.
     *
     * @param f1 best F1
     * @param threshold the score threshold t (predict anomaly when score ≥ t)
     * @param precision precision at t
     * @param recall recall at t
     */
    public record BestF1(double f1, double threshold, double precision, double recall) {}

    /** Confusion counts; precision is 0 when nothing is predicted, recall 0 with no positives. */
    public record Confusion(
            long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {
        public double precision() {
            long predicted = truePositives + falsePositives;
            return predicted == 0 ? 0 : (double) truePositives / predicted;
        }

        public double recall() {
            long positives = truePositives + falseNegatives;
            return positives == 0 ? 0 : (double) truePositives / positives;
        }

        public double f1() {
            return DetectionMetrics.f1(precision(), recall());
        }
    }

    private static void checkInputs(double[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    scores.length + " scores but " + labels.length + " labels");
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
        }
        long positives = countTrue(labels);
        if (positives == 0 || positives == labels.length) {
            throw new IllegalArgumentException(
                    "metrics need both classes; found "
                            + positives
                            + " anomalies among "
                            + labels.length
                            + " rows");
        }
    }

    private static long countTrue(boolean[] labels) {
        long count = 0;
        for (boolean label : labels) {
            if (label) {
                count++;
            }
        }
        return count;
    }

    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        return order;
    }

    private static Integer[] descending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return order;
    }
}
