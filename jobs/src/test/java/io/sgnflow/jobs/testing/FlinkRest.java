package io.sgnflow.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.DoublePredicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Reads a running job's metrics, watermarks and failures through the Flink REST API, as an operator
 * of the cluster would. Metrics reach the REST API through its metric fetcher, so {@link
 * LocalFlink#configuration()} sets a short fetch interval.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    public FlinkRest(MiniCluster cluster) throws Exception {
        this.base = cluster.getRestAddress().get();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(base.resolve(path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " returned " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /**
     * An operator metric aggregated over the subtasks of the first vertex that reports it ({@code
     * agg}: sum, min or max), or NaN while no vertex reports it yet.
     */
    public double metric(JobID job, String metric, String agg)
            throws IOException, InterruptedException {
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            String path = "/jobs/" + job + "/vertices/" + vertex.path("id").asText();
            for (JsonNode m : get(path + "/subtasks/metrics")) {
                String id = m.path("id").asText();
                if (id.endsWith("." + metric)) {
                    JsonNode values = get(path + "/subtasks/metrics?agg=" + agg + "&get=" + id);
                    return values.size() == 0 ? Double.NaN : values.get(0).path(agg).asDouble();
                }
            }
        }
        return Double.NaN;
    }

    /**
     * Polls {@link #metric} until {@code until} holds.
     *
     * @throws AssertionError with the last value when it does not within {@code timeout}
     */
    public double awaitMetric(
            JobID job, String metric, String agg, DoublePredicate until, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            value = metric(job, metric, agg);
            if (!Double.isNaN(value) && until.test(value)) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "metric " + metric + " (" + agg + ") did not reach the condition; last " + value);
    }

    /**
     * The smallest current input watermark over the subtasks of the vertex named {@code prefix…}.
     */
    public long minInputWatermark(JobID job, String name) throws IOException, InterruptedException {
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            String vertexName = vertex.path("name").asText();
            if (vertexName.equals(name) || vertexName.startsWith(name + " ")) {
                long min = Long.MAX_VALUE;
                JsonNode marks =
                        get(
                                "/jobs/"
                                        + job
                                        + "/vertices/"
                                        + vertex.path("id").asText()
                                        + "/watermarks");
                for (JsonNode mark : marks) {
                    min = Math.min(min, Long.parseLong(mark.path("value").asText()));
                }
                return marks.size() == 0 ? Long.MIN_VALUE : min;
            }
        }
        throw new AssertionError("no vertex starting with " + name + " in job " + job);
    }

    /** Failures the job has gone through (its exception history). */
    public int failures(JobID job) throws IOException, InterruptedException {
        return get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size();
    }
}
