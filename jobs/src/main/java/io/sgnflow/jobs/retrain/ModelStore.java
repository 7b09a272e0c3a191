package io.sgnflow.jobs.retrain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of published model files, {@code model-v<version>.sgn.json}, on any Flink file system
 * ({@code file://} locally, object stores on a cluster).
 *
 * <p>A file is written under a hidden temporary name and then renamed, so a reader never sees a
 * partial file; on object stores, where rename is a copy, the final name still only appears once
 * complete. After each write only the newest {@code keep} versions remain. Stateless apart from the
 * directory; safe to use from one writer at a time.
 */
public final class ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final Pattern NAME = Pattern.compile("model-v(\\d+)\\.sgn\\.json");

    private final Path directory;
    private final int keep;

    /**
     * @param directory a URI or path of the store directory; created when missing
     * @param keep how many versions to keep, at least 1
     */
    public ModelStore(String directory, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("versions to keep must be >= 1, was " + keep);
        }
        this.directory = new Path(directory);
        this.keep = keep;
    }

    /** Name of the file of one version. */
    public static String fileName(long version) {
        return String.format(Locale.ROOT, "model-v%d.sgn.json", version);
    }

    /**
     * Writes one version atomically (temporary name, then rename) and deletes versions beyond the
     * newest {@code keep}.
     *
     * @return the path of the written file
     */
    public Path write(long version, byte[] bytes) throws IOException {
        FileSystem fs = directory.getFileSystem();
        fs.mkdirs(directory);
        Path target = new Path(directory, fileName(version));
        Path temp = new Path(directory, "." + fileName(version) + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(temp, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(bytes);
        }
        if (fs.exists(target)) {
            // A replay after a failure republishes the same version; the newer file wins.
            fs.delete(target, false);
        }
        if (!fs.rename(temp, target)) {
            fs.delete(temp, false);
            throw new IOException("could not rename " + temp + " to " + target);
        }
        prune(fs);
        return target;
    }

    /** Versions present, oldest first. */
    public List<Long> versions() throws IOException {
        FileSystem fs = directory.getFileSystem();
        List<Long> versions = new ArrayList<>();
        if (!fs.exists(directory)) {
            return versions;
        }
        FileStatus[] statuses = fs.listStatus(directory);
        if (statuses == null) {
            return versions;
        }
        for (FileStatus status : statuses) {
            Matcher m = NAME.matcher(status.getPath().getName());
            if (!status.isDir() && m.matches()) {
                versions.add(Long.parseLong(m.group(1)));
            }
        }
        versions.sort(null);
        return versions;
    }

    /** The bytes of one version. */
    public byte[] read(long version) throws IOException {
        Path path = new Path(directory, fileName(version));
        try (InputStream in = path.getFileSystem().open(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** The bytes of the newest version, or null when the store is empty. */
    public byte[] readLatest() throws IOException {
        List<Long> versions = versions();
        return versions.isEmpty() ? null : read(versions.get(versions.size() - 1));
    }

    private void prune(FileSystem fs) throws IOException {
        List<Long> versions = versions();
        for (int i = 0; i < versions.size() - keep; i++) {
            Path old = new Path(directory, fileName(versions.get(i)));
            if (!fs.delete(old, false)) {
                LOG.warn("Could not delete old model file {}", old);
            }
        }
    }

    @Override
    public String toString() {
        return directory + " (keeps " + keep + " versions)";
    }
}
