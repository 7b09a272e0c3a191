package io.sgnflow.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.jobs.retrain.RetrainConfig;
import io.sgnflow.jobs.scoring.ScoringConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The configurations the jobs log at start never show Kafka client settings or the key. */
class ConfigLoggingTest {
    private static final String JAAS_SECRET = "hunter2-jaas";
    private static final String TRUSTSTORE_SECRET = "hunter2-truststore";

    private static Properties secrets() {
        Properties client = new Properties();
        client.setProperty("security.protocol", "SASL_SSL");
        client.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        client.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"sgn\" password=\""
                        + JAAS_SECRET
                        + "\";");
        client.setProperty("ssl.truststore.password", TRUSTSTORE_SECRET);
        return client;
    }

    @Test
    void scoringConfigLogsNoClientPropertyValues() {
        ScoringConfig config =
                ScoringConfig.builder()
                        .bootstrapServers("broker:9093")
                        .inputTopic("events")
                        .clientProperties(secrets())
                        .modelSigningKeyFile("/run/secrets/model-key")
                        .build();

        String logged = config.toString();

        assertThat(logged)
                .doesNotContain(JAAS_SECRET, TRUSTSTORE_SECRET, "SCRAM", "ScramLoginModule")
                .contains("modelSigningKeyFile=/run/secrets/model-key");
    }

    @Test
    void retrainConfigLogsNoClientPropertyValues() {
        RetrainConfig config =
                RetrainConfig.builder()
                        .bootstrapServers("broker:9093")
                        .inputTopic("events")
                        .modelStore("file:///tmp/models")
                        .clientProperties(secrets())
                        .modelSigningKeyFile("/run/secrets/model-key")
                        .build();

        String logged = config.toString();

        assertThat(logged)
                .doesNotContain(JAAS_SECRET, TRUSTSTORE_SECRET, "SCRAM", "ScramLoginModule")
                .contains("modelSigningKeyFile=/run/secrets/model-key");
    }
}
