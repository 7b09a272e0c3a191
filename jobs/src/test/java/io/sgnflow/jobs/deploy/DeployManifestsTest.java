package io.sgnflow.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sgnflow.jobs.retrain.RetrainConfig;
import io.sgnflow.jobs.retrain.RetrainStreamCommand;
import io.sgnflow.jobs.scoring.ScoreStreamCommand;
import io.sgnflow.jobs.scoring.ScoringConfig;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Checks the deployment manifests offline: they parse, name the image, jar and main classes this
 * build produces, use only Flink 2.2 configuration keys, and create every topic the jobs use.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Flink option classes whose ConfigOption keys the manifests may use. */
    private static final List<Class<?>> OPTION_CLASSES =
            List.of(
                    CheckpointingOptions.class,
                    StateBackendOptions.class,
                    StateRecoveryOptions.class,
                    HighAvailabilityOptions.class,
                    RestartStrategyOptions.class,
                    TaskManagerOptions.class,
                    JobManagerOptions.class,
                    MetricOptions.class,
                    RestOptions.class,
                    CoreOptions.class,
                    DeploymentOptions.class,
                    PipelineOptions.class);

    private static List<JsonNode> k8s;
    private static Set<String> flinkKeys;
    private static Set<String> reporterSuffixes;

    @BeforeAll
    static void load() throws IOException {
        k8s = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                k8s.addAll(readAll(file));
            }
        }
        flinkKeys = new HashSet<>();
        reporterSuffixes = new HashSet<>();
        for (Class<?> options : OPTION_CLASSES) {
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())
                        && field.getAnnotation(Deprecated.class) == null) {
                    try {
                        String key = ((ConfigOption<?>) field.get(null)).key();
                        if (options == MetricOptions.class && !key.startsWith("metrics.")) {
                            reporterSuffixes.add(key); // e.g. factory.class, interval
                        } else {
                            flinkKeys.add(key);
                        }
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        // Options of the reporter itself (flink-metrics-prometheus is not on this classpath).
        reporterSuffixes.add("port");
    }

    private static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it =
                YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static List<JsonNode> ofKind(String kind) {
        return k8s.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static String jobJarName() throws IOException {
        String pom = Files.readString(DEPLOY.resolveSibling("jobs").resolve("pom.xml"));
        Matcher m =
                Pattern.compile("<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>")
                        .matcher(pom);
        assertThat(m.find()).as("cluster jar outputFile in jobs/pom.xml").isTrue();
        return m.group(1);
    }

    private static String imageName() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker").resolve("Dockerfile"));
        Matcher m = Pattern.compile("-t (\\S+) \\.").matcher(dockerfile);
        assertThat(m.find()).as("image tag in the Dockerfile's build comment").isTrue();
        return m.group(1);
    }

    @Test
    void dockerfileBuildsOnFlink22Java17AndPutsTheJobJarInUsrlib() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker").resolve("Dockerfile"));

        assertThat(dockerfile).containsPattern("(?m)^FROM flink:2\\.2(\\.\\d+)?-java17$");
        assertThat(dockerfile)
                .contains("jobs/target/" + jobJarName() + " /opt/flink/usrlib/" + jobJarName());
    }

    @Test
    void flinkDeploymentsRunTheClusterJarInApplicationModeWithSavepointUpgrades() throws Exception {
        List<JsonNode> deployments = ofKind("FlinkDeployment");
        assertThat(deployments).hasSize(2);

        for (JsonNode d : deployments) {
            String name = d.path("metadata").path("name").asText();
            JsonNode spec = d.path("spec");
            assertThat(d.path("apiVersion").asText())
                    .as(name)
                    .isEqualTo("flink.apache.org/v1beta1");
            assertThat(spec.path("image").asText()).as(name).isEqualTo(imageName());
            assertThat(spec.path("flinkVersion").asText()).as(name).isEqualTo("v2_2");
            assertThat(spec.path("serviceAccount").asText()).as(name).isNotBlank();
            for (String role : List.of("jobManager", "taskManager")) {
                JsonNode resource = spec.path(role).path("resource");
                assertThat(resource.path("memory").asText()).as(name + " " + role).isNotBlank();
                assertThat(resource.path("cpu").asDouble()).as(name + " " + role).isPositive();
            }
            JsonNode job = spec.path("job");
            assertThat(job.path("jarURI").asText())
                    .as(name)
                    .isEqualTo("local:///opt/flink/usrlib/" + jobJarName());
            assertThat(job.path("upgradeMode").asText()).as(name).isEqualTo("savepoint");
            Class<?> main = Class.forName(job.path("entryClass").asText());
            assertThat(main.getMethod("main", String[].class)).isNotNull();
            JsonNode conf = spec.path("flinkConfiguration");
            assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
            assertThat(conf.path("execution.checkpointing.dir").asText()).isNotBlank();
            assertThat(conf.path("execution.checkpointing.savepoint-dir").asText()).isNotBlank();
            assertThat(conf.path("metrics.reporter.prom.factory.class").asText())
                    .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        }
    }

    @Test
    void everyFlinkJvmGetsTheVectorApiModuleForTheSimdKernel() throws IOException {
        List<String> configured = new ArrayList<>();
        for (JsonNode d : ofKind("FlinkDeployment")) {
            configured.add(
                    d.path("spec").path("flinkConfiguration").path("env.java.opts.all").asText());
        }
        JsonNode compose = readAll(DEPLOY.resolve("docker").resolve("compose.yaml")).get(0);
        for (String service : List.of("jobmanager", "taskmanager")) {
            String props =
                    compose.path("services")
                            .path(service)
                            .path("environment")
                            .path("FLINK_PROPERTIES")
                            .asText("");
            Properties parsed = new Properties();
            parsed.load(new StringReader(props.replaceAll("(?m)^([^:\\s]+):", "$1=")));
            configured.add(parsed.getProperty("env.java.opts.all", ""));
        }
        configured.add(Files.readString(DEPLOY.resolve("local").resolve("common.sh")));

        assertThat(configured)
                .hasSize(ofKind("FlinkDeployment").size() + 3)
                .allSatisfy(c -> assertThat(c).contains("--add-modules=jdk.incubator.vector"));
    }

    @Test
    void flinkConfigurationUsesOnlyKnownFlink22Keys() throws IOException {
        Map<String, String> used = new HashMap<>();
        for (JsonNode d : ofKind("FlinkDeployment")) {
            d.path("spec")
                    .path("flinkConfiguration")
                    .fieldNames()
                    .forEachRemaining(k -> used.put(k, d.path("metadata").path("name").asText()));
        }
        JsonNode compose = readAll(DEPLOY.resolve("docker").resolve("compose.yaml")).get(0);
        for (Iterator<String> it = compose.path("services").fieldNames(); it.hasNext(); ) {
            String service = it.next();
            String props =
                    compose.path("services")
                            .path(service)
                            .path("environment")
                            .path("FLINK_PROPERTIES")
                            .asText("");
            Properties parsed = new Properties();
            parsed.load(new StringReader(props.replaceAll("(?m)^([^:\\s]+):", "$1=")));
            parsed.stringPropertyNames().forEach(k -> used.put(k, "compose " + service));
        }
        assertThat(used).isNotEmpty();

        for (Map.Entry<String, String> e : used.entrySet()) {
            String key = e.getKey();
            Matcher reporter = Pattern.compile("metrics\\.reporter\\.[^.]+\\.(.+)").matcher(key);
            if (reporter.matches()) {
                assertThat(reporterSuffixes)
                        .as("%s in %s", key, e.getValue())
                        .contains(reporter.group(1));
            } else {
                assertThat(flinkKeys).as("%s in %s", key, e.getValue()).contains(key);
            }
        }
    }

    @Test
    void jobArgumentsParseAndEveryTopicExists() throws IOException {
        Set<String> topics = new HashSet<>();
        for (JsonNode t : ofKind("KafkaTopic")) {
            topics.add(t.path("metadata").path("name").asText());
        }
        Set<String> used = new HashSet<>();

        for (JsonNode d : ofKind("FlinkDeployment")) {
            List<String> args = new ArrayList<>();
            d.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
            String entry = d.path("spec").path("job").path("entryClass").asText();
            if (entry.endsWith("ScoringJob")) {
                CommandLine.ParseResult parsed =
                        new CommandLine(new ScoreStreamCommand())
                                .parseArgs(args.toArray(String[]::new));
                ScoringConfig defaults =
                        ScoringConfig.builder().bootstrapServers("b").inputTopic("i").build();
                used.add(parsed.matchedOptionValue("--input-topic", ""));
                used.add(parsed.matchedOptionValue("--scores-topic", defaults.scoresTopic()));
                used.add(parsed.matchedOptionValue("--anomalies-topic", defaults.anomaliesTopic()));
                used.add(
                        parsed.matchedOptionValue(
                                "--dead-letter-topic", defaults.deadLetterTopic()));
                used.add(
                        parsed.matchedOptionValue(
                                "--model-updates-topic", defaults.modelUpdatesTopic()));
            } else {
                CommandLine.ParseResult parsed =
                        new CommandLine(new RetrainStreamCommand())
                                .parseArgs(args.toArray(String[]::new));
                RetrainConfig defaults =
                        RetrainConfig.builder()
                                .bootstrapServers("b")
                                .inputTopic("i")
                                .modelStore("m")
                                .build();
                used.add(parsed.matchedOptionValue("--input-topic", ""));
                used.add(
                        parsed.matchedOptionValue(
                                "--model-updates-topic", defaults.modelUpdatesTopic()));
                for (String optional : List.of("--scores-topic", "--decisions-topic")) {
                    if (parsed.hasMatchedOption(optional)) {
                        used.add(parsed.matchedOptionValue(optional, ""));
                    }
                }
            }
            assertThat(args).as(entry).contains("--model-signing-key-file");
        }

        assertThat(used).doesNotContain("");
        assertThat(topics).containsAll(used);
    }

    @Test
    void strimziClusterIsKraftAndTopicsBelongToIt() {
        List<JsonNode> kafkas = ofKind("Kafka");
        assertThat(kafkas).hasSize(1);
        JsonNode kafka = kafkas.get(0);
        String cluster = kafka.path("metadata").path("name").asText();
        assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText())
                .isEqualTo("enabled");
        assertThat(
                        kafka.path("metadata")
                                .path("annotations")
                                .path("strimzi.io/node-pools")
                                .asText())
                .isEqualTo("enabled");
        assertThat(
                        kafka.path("spec")
                                .path("kafka")
                                .path("config")
                                .path("transaction.max.timeout.ms")
                                .asLong())
                .isGreaterThanOrEqualTo(ScoringConfig.DEFAULT_TRANSACTION_TIMEOUT_MS);
        List<JsonNode> pools = ofKind("KafkaNodePool");
        assertThat(pools).isNotEmpty();
        int brokers = 0;
        for (JsonNode pool : pools) {
            assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .isEqualTo(cluster);
            List<String> roles = new ArrayList<>();
            pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
            if (roles.contains("broker")) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
        }

        for (JsonNode topic : ofKind("KafkaTopic")) {
            String name = topic.path("metadata").path("name").asText();
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .as(name)
                    .isEqualTo(cluster);
            assertThat(topic.path("spec").path("partitions").asInt()).as(name).isPositive();
            assertThat(topic.path("spec").path("replicas").asInt()).as(name).isBetween(1, brokers);
        }
    }

    @Test
    void composePublishesPortsOnLoopbackOnlyAndUsesTheImage() throws IOException {
        JsonNode compose = readAll(DEPLOY.resolve("docker").resolve("compose.yaml")).get(0);
        Set<String> images = new HashSet<>();

        for (JsonNode service : compose.path("services")) {
            images.add(service.path("image").asText());
            service.path("ports").forEach(p -> assertThat(p.asText()).startsWith("127.0.0.1:"));
        }

        assertThat(images).contains(imageName());
    }
}
