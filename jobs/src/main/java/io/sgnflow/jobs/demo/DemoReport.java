package io.sgnflow.jobs.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.jobs.eval.DetectionMetrics;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TrainingSummary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Detection metrics and the PNG plots of a demo run. */
final class DemoReport {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 600;

    private DemoReport() {}

    static void write(
            Path dir, DemoData data, DemoRun.Snapshot snap, DensityModel model, ObjectNode summary)
            throws IOException {
        Names names = Names.of(model);
        int n = data.test().length;
        // Scored rows only (warm-up and dead letters have no score).
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (snap.scoredRow[i] && Double.isFinite(snap.logLikelihood[i])) {
                rows.add(i);
            }
        }
        double[] scores = new double[rows.size()];
        boolean[] labels = data.hasLabels() ? new boolean[rows.size()] : null;
        boolean[] predicted = new boolean[rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            int i = rows.get(k);
            scores[k] = -snap.logLikelihood[i];
            predicted[k] = snap.flagged[i];
            if (labels != null) {
                labels[k] = data.labels()[i];
            }
        }
        boolean bothClasses = false;
        if (labels != null) {
            int pos = 0;
            for (boolean b : labels) {
                pos += b ? 1 : 0;
            }
            bothClasses = pos > 0 && pos < labels.length;
            summary.put("labelledAnomalies", pos);
        }
        if (bothClasses) {
            summary.put("aucRoc", round(DetectionMetrics.aucRoc(scores, labels)));
            summary.put("aucPr", round(DetectionMetrics.averagePrecision(scores, labels)));
            DetectionMetrics.Confusion c = DetectionMetrics.confusion(predicted, labels);
            summary.put("f1", round(c.f1()));
            summary.put("precision", round(c.precision()));
            summary.put("recall", round(c.recall()));
            DetectionMetrics.Confusion pa =
                    DetectionMetrics.confusion(
                            DetectionMetrics.pointAdjust(predicted, labels), labels);
            summary.put("pointAdjustedF1", round(pa.f1()));
            summary.put("bestF1", round(DetectionMetrics.bestF1(scores, labels).f1()));
            roc(dir.resolve("roc.png"), scores, labels, summary.get("aucRoc").asDouble(), names);
        } else {
            summary.put(
                    "metrics",
                    labels == null
                            ? "no label column: no AUC/F1"
                            : "only one class among scored events: no AUC/F1");
            roc(dir.resolve("roc.png"), new double[0], new boolean[0], Double.NaN, names);
        }
        logLikelihood(dir.resolve("log-likelihood.png"), data, snap, rows, names);
        trainingCurve(dir.resolve("training-curve.png"), model.training(), names);
        modelVersion(dir.resolve("model-version.png"), snap, n);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(x)
                        .yAxisTitle(y)
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setMarkerSize(0);
        return chart;
    }

    private static void save(XYChart chart, Path path) throws IOException {
        // ImageIO's default disk cache registers a JVM shutdown hook, which fails while the JVM
        // shuts down, and the demo writes its report after Ctrl-C too.
        ImageIO.setUseCache(false);
        BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static void logLikelihood(
            Path path, DemoData data, DemoRun.Snapshot snap, List<Integer> rows, Names names)
            throws IOException {
        XYChart chart =
                chart(
                        names.scoreTitle() + " per event; low = anomalous",
                        "event index",
                        names.score() + " (nats)");
        if (rows.isEmpty()) {
            chart.addSeries("no scored events", new double[] {0}, new double[] {0});
            save(chart, path);
            return;
        }
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        double[] t = new double[rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            int i = rows.get(k);
            x[k] = i;
            y[k] = snap.logLikelihood[i];
            t[k] = snap.threshold[i];
        }
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        double hi = quantile(sorted, 0.999);
        double thrLow = Double.POSITIVE_INFINITY;
        for (double v : t) {
            if (Double.isFinite(v)) {
                thrLow = Math.min(thrLow, v);
                hi = Math.max(hi, v);
            }
        }
        // Clip below at the 0.5th percentile, but no deeper than twice the distance from the
        // lowest threshold to the top, so that extreme scores do not flatten the normal range.
        double lo = quantile(sorted, 0.005);
        if (Double.isFinite(thrLow)) {
            lo = Math.max(lo, thrLow - 2 * Math.max(1e-9, hi - thrLow));
        }
        double pad = 0.05 * Math.max(1e-9, hi - lo);
        lo -= pad;
        hi += pad;
        // Labelled anomaly segments as a shaded band over the full clipped height. XChart fills
        // areas to y = 0, so the band is two areas (0..hi and lo..0) that are 0 elsewhere.
        if (data.hasLabels()) {
            for (double edge : new double[] {hi, lo}) {
                List<Double> bx = new ArrayList<>();
                List<Double> by = new ArrayList<>();
                boolean[] labels = data.labels();
                int n = labels.length;
                bx.add(0.0);
                by.add(labels[0] ? edge : 0.0);
                for (int i = 1; i < n; i++) {
                    if (labels[i] != labels[i - 1]) {
                        bx.add(i - 0.5);
                        by.add(labels[i - 1] ? edge : 0.0);
                        bx.add(i - 0.5);
                        by.add(labels[i] ? edge : 0.0);
                    }
                }
                bx.add((double) n - 1);
                by.add(labels[n - 1] ? edge : 0.0);
                XYSeries band =
                        chart.addSeries(
                                edge == hi ? "labelled anomaly segments" : " ",
                                bx.stream().mapToDouble(Double::doubleValue).toArray(),
                                by.stream().mapToDouble(Double::doubleValue).toArray());
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                band.setFillColor(new Color(255, 150, 150, 110));
                band.setLineColor(new Color(255, 150, 150, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(edge == hi);
            }
        }
        double[] yc = new double[y.length];
        for (int k = 0; k < y.length; k++) {
            yc[k] = Math.max(lo, Math.min(hi, y[k]));
        }
        XYSeries ll =
                chart.addSeries(
                        names.score() + " (clipped; lower values drawn at the bottom)", x, yc);
        ll.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        ll.setLineColor(new Color(40, 90, 170));
        ll.setLineWidth(0.6f);
        ll.setMarker(SeriesMarkers.NONE);
        XYSeries th = chart.addSeries("anomaly threshold (of the scoring model)", x, t);
        th.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        th.setLineColor(new Color(200, 30, 30));
        th.setLineStyle(new BasicStroke(1.6f));
        th.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setYAxisMin(lo);
        chart.getStyler().setYAxisMax(hi);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax((double) data.test().length - 1);
        save(chart, path);
    }

    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.floor(q * (sorted.length - 1));
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static void roc(Path path, double[] scores, boolean[] labels, double auc, Names names)
            throws IOException {
        XYChart chart =
                chart(
                        Double.isNaN(auc)
                                ? "ROC (no labels with both classes)"
                                : String.format(java.util.Locale.ROOT, "ROC (AUC %.3f)", auc),
                        "false positive rate",
                        "true positive rate");
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        XYSeries diag = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        diag.setLineColor(Color.GRAY);
        diag.setMarker(SeriesMarkers.NONE);
        if (scores.length > 0) {
            Integer[] order = new Integer[scores.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
            int pos = 0;
            for (boolean b : labels) {
                pos += b ? 1 : 0;
            }
            int neg = labels.length - pos;
            List<Double> fx = new ArrayList<>(List.of(0.0));
            List<Double> ty = new ArrayList<>(List.of(0.0));
            int tp = 0;
            int fp = 0;
            for (int k = 0; k < order.length; k++) {
                if (labels[order[k]]) {
                    tp++;
                } else {
                    fp++;
                }
                boolean lastOfTie =
                        k == order.length - 1 || scores[order[k + 1]] != scores[order[k]];
                if (lastOfTie) {
                    fx.add((double) fp / neg);
                    ty.add((double) tp / pos);
                }
            }
            XYSeries roc =
                    chart.addSeries(
                            names.model() + " (anomaly score = -" + names.score() + ")",
                            fx.stream().mapToDouble(Double::doubleValue).toArray(),
                            ty.stream().mapToDouble(Double::doubleValue).toArray());
            roc.setLineColor(new Color(40, 90, 170));
            roc.setMarker(SeriesMarkers.NONE);
        }
        save(chart, path);
    }

    static void trainingCurve(Path path, TrainingSummary training, Names names) throws IOException {
        XYChart chart =
                chart(
                        "Initial model training (v1): " + names.training() + " per epoch",
                        "epoch",
                        "nats per dimension");
        List<TrainingSummary.Epoch> history = training.history();
        if (history.isEmpty()) {
            chart.addSeries("no history", new double[] {0}, new double[] {0});
        } else {
            double[] x = new double[history.size()];
            double[] v = new double[history.size()];
            double[] tr = new double[history.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = history.get(i).epoch();
                v[i] = history.get(i).validationLogLikelihoodPerDim();
                tr[i] = history.get(i).trainLogLikelihoodPerDim();
            }
            XYSeries val = chart.addSeries("validation", x, v);
            val.setMarker(SeriesMarkers.CIRCLE);
            XYSeries t = chart.addSeries("train", x, finiteOr(tr, v));
            t.setMarker(SeriesMarkers.NONE);
            chart.getStyler().setMarkerSize(6);
        }
        save(chart, path);
    }

    private static double[] finiteOr(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = b[i];
            }
        }
        return out;
    }

    static void modelVersion(Path path, DemoRun.Snapshot snap, int n) throws IOException {
        XYChart chart =
                chart("Model version that scored each event", "event index", "model version");
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (snap.version[i] > 0) {
                x.add((double) i);
                y.add((double) snap.version[i]);
            }
        }
        if (x.isEmpty()) {
            x.add(0.0);
            y.add(0.0);
        }
        XYSeries s =
                chart.addSeries(
                        "model version",
                        x.stream().mapToDouble(Double::doubleValue).toArray(),
                        y.stream().mapToDouble(Double::doubleValue).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineWidth(2f);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax((double) Math.max(1, n - 1));
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        save(chart, path);
    }

    /** How the plots name the model and its score. */
    record Names(String model, String score, String scoreTitle, String training) {
        static Names of(DensityModel model) {
            ScoreKind kind = model.scoreKind();
            return switch (kind) {
                case EXACT_LOG_LIKELIHOOD ->
                        new Names(
                                "SGN-Flow",
                                "log-likelihood",
                                "Log-likelihood (exact, SGN-Flow)",
                                "validation log-likelihood");
                case ELBO ->
                        new Names(
                                "SGN-VAE",
                                "ELBO",
                                "ELBO (SGN-VAE, a lower bound on the log-likelihood)",
                                "validation ELBO");
                case IW_LOG_LIKELIHOOD ->
                        new Names(
                                "SGN-VAE",
                                "iw_log_likelihood",
                                "Importance-weighted bound (SGN-VAE, a lower bound on the"
                                        + " log-likelihood)",
                                "validation ELBO");
            };
        }
    }
}
