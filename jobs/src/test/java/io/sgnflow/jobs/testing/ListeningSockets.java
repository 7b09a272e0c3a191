package io.sgnflow.jobs.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TCP sockets this JVM is listening on, read from Linux's {@code /proc} (the sockets among
 * {@code /proc/self/fd} matched against the LISTEN rows of {@code /proc/net/tcp} and {@code tcp6}).
 */
public final class ListeningSockets {

    /** One listening socket: its local address as text and its port. */
    public record Listener(String address, int port) {
        /** True for 127.0.0.0/8, {@code ::1} and IPv4-mapped 127.x. */
        public boolean isLoopback() {
            return address.startsWith("127.")
                    || address.equals("::1")
                    || address.startsWith("::ffff:127.");
        }

        @Override
        public String toString() {
            return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }
    }

    private ListeningSockets() {}

    /** True where {@code /proc} exposes what {@link #ofThisProcess()} needs. */
    public static boolean supported() {
        return Files.isReadable(Path.of("/proc/net/tcp"))
                && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The TCP listeners owned by this process. */
    public static List<Listener> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length < 10 || !f[3].equals("0A") || !inodes.contains(f[9])) {
                    continue;
                }
                String[] local = f[1].split(":");
                listeners.add(new Listener(decode(local[0]), Integer.parseInt(local[1], 16)));
            }
        }
        return listeners;
    }

    /** Decodes /proc's hex address (32-bit words in host order, little-endian here). */
    private static String decode(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < hex.length() / 8; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (bytes.length == 4) {
            return String.format(
                    Locale.ROOT,
                    "%d.%d.%d.%d",
                    bytes[0] & 0xff,
                    bytes[1] & 0xff,
                    bytes[2] & 0xff,
                    bytes[3] & 0xff);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= bytes[i] == 0;
        }
        mapped &= (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
        if (mapped) {
            return String.format(
                    Locale.ROOT,
                    "::ffff:%d.%d.%d.%d",
                    bytes[12] & 0xff,
                    bytes[13] & 0xff,
                    bytes[14] & 0xff,
                    bytes[15] & 0xff);
        }
        boolean allZero = true;
        for (int i = 0; i < 15; i++) {
            allZero &= bytes[i] == 0;
        }
        if (allZero && bytes[15] == 1) {
            return "::1";
        }
        if (allZero && bytes[15] == 0) {
            return "::";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
        }
        return sb.toString();
    }
}
