package io.sgnflow.jobs.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside the
 * current JVM, for the demo and the tests.
 *
 * <p>{@link #start()} creates a temporary directory, formats it the way {@code kafka-storage.sh
 * format} does (random cluster id, {@code node.id=1}, a static one-voter controller quorum), starts
 * {@link KafkaRaftServer} and returns once an Admin client's {@code describeCluster} sees the
 * broker. Both listeners bind to 127.0.0.1 only, on ports picked free at start. {@link #close()}
 * stops the server and deletes the directory.
 *
 * <p>Settings suit one node: replication factor and min ISR 1 for the internal topics, no initial
 * rebalance delay, small log segments and a small log-cleaner buffer. Any Kafka broker setting can
 * be overridden through {@link #start(Map)}, except the listeners, node id and directories.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The only interface the broker listens on. */
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path baseDir;
    private final String clusterId;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaRaftServer server;
    private final Admin admin;
    private boolean closed;

    private EmbeddedKafkaBroker(
            Path baseDir,
            String clusterId,
            int brokerPort,
            int controllerPort,
            KafkaRaftServer server,
            Admin admin) {
        this.baseDir = baseDir;
        this.clusterId = clusterId;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.server = server;
        this.admin = admin;
    }

    /** Starts a broker with the default settings. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker, applying {@code overrides} (Kafka broker setting names) over the defaults.
     * Blocks until the broker answers Admin requests.
     *
     * @throws IllegalArgumentException if an override names a setting this class owns
     * @throws IllegalStateException if the broker cannot be started
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        for (String reserved :
                List.of(
                        "listeners",
                        "advertised.listeners",
                        "controller.quorum.voters",
                        "controller.quorum.bootstrap.servers",
                        "node.id",
                        "process.roles",
                        "log.dirs",
                        "log.dir",
                        "metadata.log.dir")) {
            if (overrides.containsKey(reserved)) {
                throw new IllegalArgumentException(
                        reserved + " is set by EmbeddedKafkaBroker and cannot be overridden");
            }
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(overrides);
            } catch (RuntimeException e) {
                if (!causedByBind(e) || attempt == START_ATTEMPTS) {
                    throw e;
                }
                // Another process took one of the probed ports between probe and bind.
                LOG.warn("Kafka could not bind its ports (attempt {}), retrying", attempt, e);
                last = e;
            }
        }
        throw last;
    }

    private static EmbeddedKafkaBroker startOnce(Map<String, String> overrides) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("sgn-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log directory", e);
        }
        KafkaRaftServer server = null;
        Admin admin = null;
        try {
            int[] ports = freePorts(2);
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            String clusterId = Uuid.randomUuid().toString();
            Path logDir = Files.createDirectory(baseDir.resolve("data"));
            Properties props = brokerProperties(logDir, brokerPort, controllerPort, overrides);
            Path configFile = baseDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "EmbeddedKafkaBroker");
            }
            format(configFile, clusterId);

            long startedAt = System.nanoTime();
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();

            Map<String, Object> adminProps = new LinkedHashMap<>();
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
            adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
            adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
            admin = Admin.create(adminProps);
            awaitReady(admin);
            LOG.info(
                    "Embedded Kafka {} up on {}:{} (controller {}:{}) in {} ms, data in {}",
                    clusterId,
                    HOST,
                    brokerPort,
                    HOST,
                    controllerPort,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                    baseDir);
            return new EmbeddedKafkaBroker(
                    baseDir, clusterId, brokerPort, controllerPort, server, admin);
        } catch (Exception e) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (server != null) {
                stopQuietly(server);
            }
            FileUtils.deleteDirectoryQuietly(baseDir.toFile());
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker failed to start", e);
        }
    }

    static Properties brokerProperties(
            Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty(
                "listeners",
                BROKER_LISTENER
                        + "://"
                        + HOST
                        + ":"
                        + brokerPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.setProperty("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.setProperty(
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        // One node: every internal topic has a single replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");

        // Small footprint: 1 MiB is the smallest segment Kafka 4 accepts.
        p.setProperty("log.segment.bytes", Integer.toString(1 << 20));
        // Replays (the demo, tests) write records with historical event timestamps; the default
        // seven-day retention would delete them within minutes, moving log start offsets under
        // running consumers. This broker lives in a temporary directory, so keep everything.
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 << 20));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("background.threads", "2");

        overrides.forEach(p::setProperty);
        return p;
    }

    private static void format(Path configFile, String clusterId) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "--config",
                                configFile.toString(),
                                "--cluster-id",
                                clusterId
                            },
                            out);
        }
        String output = captured.toString(StandardCharsets.UTF_8).strip();
        if (rc != 0) {
            throw new IllegalStateException(
                    "kafka storage format failed (exit " + rc + "): " + output);
        }
        LOG.debug("Kafka storage formatted: {}", output);
    }

    private static void awaitReady(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                lastError = e;
            }
            Thread.sleep(100);
        }
        throw new TimeoutException(
                "Kafka did not answer describeCluster within "
                        + STARTUP_TIMEOUT
                        + (lastError == null ? "" : ": " + lastError));
    }

    /** {@code 127.0.0.1:<port>}, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The port of the controller listener (127.0.0.1 as well). */
    public int controllerPort() {
        return controllerPort;
    }

    /** The random cluster id the storage was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** The broker's node id, for {@code ConfigResource(BROKER, ...)} look-ups. */
    public int nodeId() {
        return NODE_ID;
    }

    /** The temporary directory holding the broker's configuration and logs. */
    public Path baseDirectory() {
        return baseDir;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader. An
     * existing topic with the same name is an error.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)}, with topic-level settings. */
    public void createTopic(String name, int partitions, Map<String, String> topicConfig) {
        ensureOpen();
        try {
            admin.createTopics(
                            List.of(new NewTopic(name, partitions, (short) 1).configs(topicConfig)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(name, partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new IllegalStateException("topic " + name + " already exists", e.getCause());
            }
            throw new IllegalStateException("cannot create topic " + name, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        }
    }

    private void awaitLeaders(String name, int partitions)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d =
                        admin.describeTopics(Set.of(name))
                                .allTopicNames()
                                .get(5, TimeUnit.SECONDS)
                                .get(name);
                if (d != null
                        && d.partitions().size() == partitions
                        && d.partitions().stream()
                                .map(TopicPartitionInfo::leader)
                                .allMatch(l -> l != null && !l.isEmpty())) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Metadata not propagated yet (UnknownTopicOrPartition): try again.
            }
            Thread.sleep(50);
        }
        throw new TimeoutException("partitions of " + name + " got no leader in " + ADMIN_TIMEOUT);
    }

    /**
     * Waits until the group coordinator answers, creating the offsets topic if needed. Consumers
     * that commit offsets right after the broker starts (a Flink Kafka source on its first
     * checkpoint) otherwise get a retriable "coordinator not available" error, logged with a stack
     * trace although nothing is wrong.
     */
    public void awaitGroupCoordinator(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                admin.describeConsumerGroups(List.of("sgn-coordinator-probe"))
                        .all()
                        .get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // A coordinator that answers "no such group" is up: only its absence is retried.
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                last = new IllegalStateException("group coordinator not ready", e);
            } catch (TimeoutException e) {
                last = new IllegalStateException("group coordinator not ready", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the coordinator", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the coordinator", e);
            }
        }
        throw last != null ? last : new IllegalStateException("group coordinator not ready");
    }

    /**
     * An Admin client owned by this broker, closed by {@link #close()}; do not close it yourself.
     */
    public Admin admin() {
        ensureOpen();
        return admin;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the embedded Kafka broker is closed");
        }
    }

    /** Stops the broker, waits for its threads to finish and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startedAt = System.nanoTime();
        admin.close(Duration.ofSeconds(5));
        stopQuietly(server);
        FileUtils.deleteDirectoryQuietly(baseDir.toFile());
        LOG.info(
                "Embedded Kafka {} stopped in {} ms",
                clusterId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka did not shut down cleanly", e);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        // Hold every socket open until all are chosen so that the ports differ.
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null
                            && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
