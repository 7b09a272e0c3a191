package io.sgnflow.jobs.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Small generated CSV files: a correlated Gaussian cloud in three features (label 0) and a few far
 * outliers (label 1), seeded.
 */
final class TestData {
    static final String HEADER = "f0,f1,f2,label";

    private TestData() {}

    /** Data lines (no header): {@code normal} inliers then {@code anomalies} outliers, shuffled. */
    static List<String> rows(int normal, int anomalies, long seed) {
        Random random = new Random(seed);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < normal; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            rows.add(line(1 + a, 2 + 0.8 * a + 0.6 * b, -1 + 0.5 * c + 0.3 * a * a, 0));
        }
        for (int i = 0; i < anomalies; i++) {
            double sign = random.nextBoolean() ? 1 : -1;
            rows.add(line(1 + sign * 6, 2 - sign * 5, -1 + 4 * random.nextGaussian(), 1));
        }
        Collections.shuffle(rows, random);
        return rows;
    }

    static String line(double f0, double f1, double f2, int label) {
        return String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%d", f0, f1, f2, label);
    }

    /** Writes a CSV file with {@link #HEADER} and the given data lines. */
    static Path write(Path file, List<String> rows) throws IOException {
        return write(file, HEADER, rows);
    }

    static Path write(Path file, String header, List<String> rows) throws IOException {
        StringBuilder text = new StringBuilder(header).append('\n');
        for (String row : rows) {
            text.append(row).append('\n');
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** Writes the same content gzip-compressed. */
    static Path writeGzip(Path file, String header, List<String> rows) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            writer.write(header + "\n");
            for (String row : rows) {
                writer.write(row + "\n");
            }
        }
        return file;
    }

    /** Arguments of a fast training run on small data. */
    static List<Object> fastTraining(Path data, Path modelOut) {
        return List.of(
                "train",
                "--data",
                data,
                "--model-out",
                modelOut,
                "--epochs",
                "4",
                "--hidden",
                "8",
                "--steps",
                "2",
                "--batch-size",
                "64",
                "--threads",
                "1");
    }
}
