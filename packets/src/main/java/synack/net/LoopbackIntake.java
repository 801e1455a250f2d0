package synack.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames we write into lo arrive without the route the kernel's own loopback traffic carries, so
 * they are routed as input and judged: a source address that is our own is a martian unless lo
 * has {@code accept_local}, and 127.0.0.0/8 is dropped unless lo has {@code route_localnet}.
 * This turns both on for lo (in this network namespace) while a command talks through lo, and
 * puts the old values back when the last such command ends. Each user leaves a file named by its
 * pid; files of dead pids (a crash) are swept at the next start, which restores the values when
 * no live user remains.
 */
public final class LoopbackIntake implements AutoCloseable {
    static final List<String> SETTINGS = List.of("accept_local", "route_localnet");
    private static final Path CONF = Path.of("/proc/sys/net/ipv4/conf/lo");
    private static int uses; // in this JVM (the shell runs several), each with a file of its own

    private final Path dir;
    private final Path mine;
    private boolean closed;

    private LoopbackIntake(Path dir, Path mine) {
        this.dir = dir;
        this.mine = mine;
    }

    /** Turns lo's accept_local and route_localnet on for as long as this is open. */
    public static synchronized LoopbackIntake install() {
        Path dir = stateDir();
        try (Locked l = lock(dir)) {
            sweep(dir);
            Path original = dir.resolve("original");
            if (!Files.exists(original)) {
                StringBuilder was = new StringBuilder();
                for (String s : SETTINGS) {
                    was.append(s).append(' ').append(read(s)).append('\n');
                }
                Files.writeString(original, was.toString());
            }
            try {
                for (String s : SETTINGS) {
                    write(s, "1");
                }
            } catch (IOException e) {
                sweep(dir); // half set: put back what we changed (nobody else uses lo's settings now)
                throw e;
            }
            Path mine = dir.resolve("pid-" + ProcessHandle.current().pid() + "-" + (++uses));
            Files.writeString(mine, "");
            return new LoopbackIntake(dir, mine);
        } catch (IOException e) {
            throw new EnvironmentException("cannot let lo take in our frames (sysctl net.ipv4.conf.lo.accept_local=1,"
                    + " route_localnet=1): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (LoopbackIntake.class) {
            if (closed) {
                return;
            }
            closed = true;
            try (Locked l = lock(dir)) {
                Files.deleteIfExists(mine);
                sweep(dir);
            } catch (IOException e) {
                // the next start sweeps again
            }
        }
    }

    /** Removes files of dead pids; with no live user left, restores the values found before the first. */
    private static void sweep(Path dir) throws IOException {
        boolean live = false;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("pid-")) {
                    long pid = Long.parseLong(n.replaceAll("^pid-(\\d+).*", "$1"));
                    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    if (alive) {
                        live = true;
                    } else {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
        Path original = dir.resolve("original");
        if (!live && Files.exists(original)) {
            for (Map.Entry<String, String> e : parse(Files.readString(original)).entrySet()) {
                write(e.getKey(), e.getValue());
            }
            Files.delete(original);
        }
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && SETTINGS.contains(f[0]) && f[1].matches("\\d+")) {
                out.put(f[0], f[1]);
            }
        }
        return out;
    }

    private static String read(String setting) throws IOException {
        return Files.readString(CONF.resolve(setting)).trim();
    }

    private static void write(String setting, String value) throws IOException {
        Files.writeString(CONF.resolve(setting), value + "\n");
    }

    /** One directory per network namespace (each has its own lo): /run/synack/loopback/net-INODE. */
    private static Path stateDir() {
        String ns;
        try {
            ns = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().replaceAll("\\D", "");
        } catch (IOException | UnsupportedOperationException e) {
            ns = "unknown";
        }
        Path dir = Path.of("/run/synack/loopback", "net-" + ns);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EnvironmentException("cannot keep loopback state in " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private record Locked(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }

    private static Locked lock(Path dir) throws IOException {
        FileChannel c = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new Locked(c, c.lock());
    }
}
