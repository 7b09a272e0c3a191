package io.sgnflow.jobs.scoring;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import io.sgnflow.model.train.VaeConfig;
import io.sgnflow.model.train.VaeTrainer;
import io.sgnflow.model.vae.SgnVaeModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** A small trained model and event streams with bad records mixed in. */
final class ScoringFixtures {
    static final List<String> FEATURES = List.of("cpu", "mem", "disk", "net", "load");

    private ScoringFixtures() {}

    static double[][] normalRows(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][5];
        for (double[] row : rows) {
            double common = random.nextGaussian();
            row[0] = 50 + 10 * common + 3 * random.nextGaussian();
            row[1] = 0.6 + 0.05 * common + 0.02 * random.nextGaussian();
            row[2] = 1000 * Math.exp(0.3 * random.nextGaussian());
            row[3] = 5 * random.nextGaussian();
            row[4] = Math.abs(common) + 0.1 * random.nextGaussian();
        }
        return rows;
    }

    static SgnFlowModel trainModel(long version, long seed) {
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(16).steps(4).epochs(4).seed(seed).build();
        return new FlowTrainer(config, FlowTrainer.Listener.NONE)
                .warmStart(
                        normalRows(3000, seed + 1),
                        new FlowTrainer(config, FlowTrainer.Listener.NONE)
                                .train(normalRows(3000, seed), FEATURES),
                        version);
    }

    /** A small model on the first columns of the normal rows, under other feature names. */
    static SgnFlowModel trainOn(List<String> names, long version) {
        double[][] rows = normalRows(500, 4);
        double[][] cut = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            cut[i] = java.util.Arrays.copyOf(rows[i], names.size());
        }
        return new FlowTrainer(
                        TrainingConfig.builder().hiddenWidths(4).steps(1).epochs(1).build(),
                        FlowTrainer.Listener.NONE)
                .train(cut, names)
                .withVersion(version);
    }

    static SgnVaeModel trainVae(long version, long seed) {
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(16).steps(3).epochs(6).seed(seed).build();
        return new VaeTrainer(config, VaeConfig.builder().scoreSamples(8).build(), e -> {})
                .train(normalRows(3000, seed), FEATURES)
                .withVersion(version);
    }

    static String json(String id, double[] row, boolean byName) {
        StringBuilder sb = new StringBuilder("{\"id\":\"").append(id).append("\",\"features\":");
        if (byName) {
            sb.append('{');
            for (int i = 0; i < row.length; i++) {
                sb.append(i == 0 ? "" : ",")
                        .append('"')
                        .append(FEATURES.get(i))
                        .append("\":")
                        .append(Double.toString(row[i]));
            }
            sb.append('}');
        } else {
            sb.append('[');
            for (int i = 0; i < row.length; i++) {
                sb.append(i == 0 ? "" : ",").append(Double.toString(row[i]));
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    /** Kinds of bad record, each a dead letter; index i of the stream decides which. */
    static String bad(int kind, String id) {
        switch (kind) {
            case 0:
                return "{\"id\":\"" + id + "\",\"features\":{\"cpu\":1.0,\"mem\":";
            case 1:
                return "{\"id\":\"" + id + "\",\"features\":[NaN,1,2,3,4]}";
            case 2:
                return "{\"id\":\"" + id + "\"}";
            case 3:
                return "{\"id\":\"" + id + "\",\"features\":{\"gpu\":1.0}}";
            case 4:
                return "{\"id\":\"" + id + "\",\"features\":[1,2,3,4]}";
            case 5:
                return "{\"id\":\"" + id + "\",\"features\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}";
            default:
                return "";
        }
    }

    static final int BAD_KINDS = 7;

    /**
     * A stream of n events; every 37th is bad, every 101st has ±1e6 values and every 103rd an event
     * time two hours ahead (both valid).
     */
    static List<Event> stream(int n, long seed, String idPrefix) {
        double[][] rows = normalRows(n, seed);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format(Locale.ROOT, "%s-%05d", idPrefix, i);
            if (i % 37 == 5) {
                events.add(new Event(id, bad((i / 37) % BAD_KINDS, id), null));
            } else {
                double[] row = rows[i];
                if (i % 101 == 7) {
                    row = new double[] {1e6, -1e6, 1e6, -1e6, 1e6};
                }
                String text = json(id, row, i % 2 == 0);
                if (i % 103 == 11) {
                    // An event time two hours ahead, where a broker refuses record timestamps:
                    // valid input all the same, which must be scored like any other.
                    long ahead = System.currentTimeMillis() + 7_200_000L;
                    text = "{\"ts\":" + ahead + "," + text.substring(1);
                }
                events.add(new Event(id, text, row));
            }
        }
        return events;
    }

    static List<byte[]> values(List<Event> events) {
        List<byte[]> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.text.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A produced record: its id, its text, and its feature row (null for a bad record). */
    record Event(String id, String text, double[] row) {}
}
