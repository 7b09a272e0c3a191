package io.sgnflow.jobs.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * Flink settings for a local (in-JVM) cluster that listens on the loopback interface only: RPC,
 * blob server, data exchange and the REST endpoint / web UI all bind to 127.0.0.1.
 *
 * <p>Typical use: {@code
 * StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(LocalEnvironments.loopbackConfiguration(8081))}.
 */
public final class LocalEnvironments {

    /** The interface every local Flink listener binds to. */
    public static final String LOOPBACK = "127.0.0.1";

    private LocalEnvironments() {}

    /**
     * A new configuration binding the JobManager, TaskManager and REST endpoint to 127.0.0.1. The
     * REST port is left at Flink's default ({@code rest.bind-port} 8081).
     */
    public static Configuration loopbackConfiguration() {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        return conf;
    }

    /**
     * The environment for a job's entry point: the cluster's when the job was submitted to one (or
     * runs under a test cluster), else a local environment that listens on 127.0.0.1 only — Flink's
     * own local default binds its RPC and data ports to every interface.
     */
    public static StreamExecutionEnvironment forJob() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (env instanceof LocalStreamEnvironment) {
            Configuration conf = loopbackConfiguration(0);
            conf.set(CoreOptions.TMP_DIRS, ownTempDirectory().toString());
            return StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        return env;
    }

    /** Adds a job to an environment (it throws what the job's checks throw). */
    @FunctionalInterface
    public interface JobBuilder {
        void build(StreamExecutionEnvironment env) throws Exception;
    }

    /**
     * Builds and runs a job from its command: on the cluster it was submitted to, else locally on
     * 127.0.0.1 ({@link #forJob()}). Detached, it returns once the job is submitted, which only a
     * cluster can keep running: a local job would end with this JVM.
     *
     * @return the summary JSON: command, job name and id (and run time when not detached)
     * @throws IllegalArgumentException for {@code detached} without a cluster, or a bad setting
     */
    public static String runJob(String command, String jobName, boolean detached, JobBuilder job)
            throws Exception {
        if (detached
                && StreamExecutionEnvironment.getExecutionEnvironment()
                        instanceof LocalStreamEnvironment) {
            throw new IllegalArgumentException(
                    "--detached needs a Flink cluster (submit the job jar with `flink run` or the"
                            + " REST API); run here, the job would end with this JVM");
        }
        StreamExecutionEnvironment env = forJob();
        job.build(env);
        String prefix = "{\"command\":\"" + command + "\",\"job\":\"" + jobName + "\",\"jobId\":\"";
        if (detached) {
            JobClient client = env.executeAsync(jobName);
            return prefix + client.getJobID() + "\"}";
        }
        JobExecutionResult result = env.execute(jobName);
        return prefix + result.getJobID() + "\",\"runtimeMs\":" + result.getNetRuntime() + "}";
    }

    /**
     * A temporary directory for the local cluster's files (its RPC system unpacks a 21 MB jar
     * there), deleted when the JVM exits, also on SIGTERM or Ctrl-C, when the cluster itself is
     * never closed.
     */
    private static Path ownTempDirectory() throws IOException {
        Path dir = Files.createTempDirectory("sgn-flink-");
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> FileUtils.deleteDirectoryQuietly(dir.toFile()),
                                "sgn-flink-tmp-cleanup"));
        return dir;
    }

    /**
     * As {@link #loopbackConfiguration()}, with the REST endpoint / web UI on {@code restPort}
     * ({@code 0} picks a free port).
     */
    public static Configuration loopbackConfiguration(int restPort) {
        if (restPort < 0 || restPort > 65535) {
            throw new IllegalArgumentException("restPort out of range: " + restPort);
        }
        Configuration conf = loopbackConfiguration();
        conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        conf.set(RestOptions.PORT, restPort);
        return conf;
    }
}
