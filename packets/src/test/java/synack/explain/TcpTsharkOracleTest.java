package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static synack.explain.TcpScript.ACK;
import static synack.explain.TcpScript.FIN;
import static synack.explain.TcpScript.PSH;
import static synack.explain.TcpScript.RST;
import static synack.explain.TcpScript.SYN;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.link.PcapFileWriter;

/**
 * tshark as the oracle: every scripted scenario (each on its own ports) and a set of randomised
 * lossy transfers go into one pcap; each frame's findings must be tshark's tcp.analysis flags on
 * the same file, and each frame's stream its tcp.stream. Skipped where tshark is not installed.
 */
class TcpTsharkOracleTest {
    private static byte[] d(int n) {
        return TcpScript.bytes(n);
    }

    static Map<String, Consumer<TcpScript>> scenarios() {
        Map<String, Consumer<TcpScript>> sc = new LinkedHashMap<>();
        sc.put("rto", s -> {
            s.handshake();
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
            s.after(200_000);
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
        });
        sc.put("fast", s -> {
            s.handshake();
            for (int i = 0; i < 4; i++) {
                s.send(Side.A, ACK, 1001 + 100 * i, 5001, 502, d(100));
            }
            s.after(1000);
            s.send(Side.B, ACK, 5001, 1101, 509);
            for (int i = 0; i < 3; i++) {
                s.after(100);
                s.send(Side.B, ACK, 5001, 1101, 509);
            }
            s.after(500);
            s.send(Side.A, ACK, 1101, 5001, 502, d(100));
        });
        sc.put("spurious", s -> {
            s.handshake();
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
            s.send(Side.B, ACK, 5001, 1101, 509);
            s.after(300_000);
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
        });
        sc.put("out of order", s -> {
            s.handshake();
            s.send(Side.A, ACK, 1101, 5001, 502, d(100));
            s.after(500);
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
            s.send(Side.B, ACK, 5001, 1201, 509);
        });
        sc.put("acked unseen", s -> {
            s.handshake();
            s.send(Side.A, ACK, 1101, 5001, 502, d(100));
            s.send(Side.B, ACK, 5001, 1201, 509);
            s.send(Side.B, ACK, 5001, 1201, 509);
        });
        sc.put("zero window", s -> {
            s.handshake();
            s.send(Side.A, ACK, 1001, 5001, 502, d(100));
            s.send(Side.B, ACK, 5001, 1101, 0);
            s.after(200_000);
            s.send(Side.A, ACK, 1101, 5001, 502, d(1));
            s.send(Side.B, ACK, 5001, 1101, 0);
            s.send(Side.B, ACK, 5001, 1101, 509);
            s.send(Side.A, ACK, 1101, 5001, 502, d(100));
        });
        sc.put("window full", s -> {
            s.handshake();
            s.send(Side.B, ACK, 5001, 1001, 1);
            s.send(Side.A, ACK, 1001, 5001, 502, d(128));
        });
        sc.put("keep-alive", s -> {
            s.handshake();
            s.after(7_200_000_000L);
            s.send(Side.A, ACK, 1000, 5001, 502);
            s.send(Side.B, ACK, 5001, 1001, 65160);
        });
        sc.put("close, reuse, reset", s -> {
            s.handshake();
            s.send(Side.A, FIN | ACK, 1001, 5001, 502);
            s.send(Side.B, FIN | ACK, 5001, 1002, 509);
            s.send(Side.A, ACK, 1002, 5002, 502);
            s.after(1_000_000);
            s.send(Side.A, SYN, 90000, 0, 64240, TcpScript.synOptions(1460, 7));
            s.send(Side.B, SYN | ACK, 7000, 90001, 65160, TcpScript.synOptions(1460, 7));
            s.send(Side.A, ACK, 90001, 7001, 502);
            s.send(Side.A, ACK, 90001, 7001, 502, d(50));
            s.send(Side.B, RST | ACK, 7001, 90051, 0);
        });
        sc.put("refused after a SYN retransmission", s -> {
            s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
            s.after(1_000_000);
            s.send(Side.A, SYN, 1000, 0, 64240, TcpScript.synOptions(1460, 7));
            s.send(Side.B, RST | ACK, 0, 1001, 0);
        });
        sc.put("mid-stream", s -> {
            s.send(Side.A, ACK, 7000, 3000, 500, d(100));
            s.send(Side.B, ACK, 3000, 7100, 500);
            s.send(Side.A, ACK, 7100, 3000, 500, d(100));
            s.send(Side.B, ACK, 3000, 7200, 500);
            s.send(Side.B, ACK, 3000, 7200, 500);
        });
        sc.put("simultaneous close", s -> {
            s.handshake();
            s.send(Side.A, FIN | ACK, 1001, 5001, 502);
            s.send(Side.B, FIN | ACK, 5001, 1001, 509);
            s.send(Side.A, ACK, 1002, 5002, 502);
            s.send(Side.B, ACK, 5002, 1002, 509);
        });
        for (int seed = 1; seed <= 30; seed++) {
            int fixed = seed;
            sc.put("random " + seed, s -> randomTransfer(s, new Random(fixed)));
        }
        return sc;
    }

    /**
     * A bulk transfer from A to B: segments lost before the capture point (not written), lost after
     * it (written, never acknowledged), reordered, duplicated; B acknowledges what it holds (some of
     * its ACKs lost), A sends again after three duplicate ACKs or a timeout.
     */
    static void randomTransfer(TcpScript s, Random r) {
        s.handshake();
        int n = 40;
        int mss = 1000;
        boolean[] got = new boolean[n];
        int cum = 0;
        List<Integer> queue = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queue.add(i);
        }
        int dup = 0;
        for (int rounds = 0; cum < n && rounds < 400; rounds++) {
            if (queue.isEmpty()) {
                s.after(200_000 + r.nextInt(1000));
                queue.add(cum);
            }
            int i = queue.remove(0);
            if (!queue.isEmpty() && r.nextInt(10) == 0) {
                int j = queue.remove(0);
                queue.add(0, i);
                i = j;
            }
            s.after(50 + r.nextInt(200));
            int fate = r.nextInt(20);
            if (fate != 0) {
                s.send(Side.A, ACK | PSH, 1001 + (long) i * mss, 5001, 502, d(mss));
                if (fate == 1) {
                    s.send(Side.A, ACK | PSH, 1001 + (long) i * mss, 5001, 502, d(mss));
                }
            }
            if (fate == 0 || fate == 2) {
                continue;
            }
            got[i] = true;
            int before = cum;
            while (cum < n && got[cum]) {
                cum++;
            }
            s.after(20 + r.nextInt(100));
            if (r.nextInt(8) != 0) {
                s.send(Side.B, ACK, 5001, 1001 + (long) cum * mss, 509);
            }
            if (cum == before) {
                if (++dup == 3) {
                    queue.add(0, cum);
                }
            } else {
                dup = 0;
            }
        }
        s.send(Side.A, FIN | ACK, 1001 + (long) n * mss, 5001, 502);
        s.send(Side.B, FIN | ACK, 5001, 1002 + (long) n * mss, 509);
        s.send(Side.A, ACK, 1002 + (long) n * mss, 5002, 502);
    }

    @Test
    void everyFrameHasTsharksFlagsAndStream() throws Exception {
        agreeWithTshark(false);
    }

    /**
     * The same scenarios, every other one over IPv6 (2001:db8:77::1 and ::2, on the ports of the
     * IPv4 one before it): the findings are tshark's on both families, and the streams tshark's
     * tcp.stream, which counts IPv4 and IPv6 conversations together in capture order.
     */
    @Test
    void overBothFamiliesTheFlagsAndStreamsAreTsharksToo() throws Exception {
        agreeWithTshark(true);
    }

    private void agreeWithTshark(boolean alternateFamilies) throws Exception {
        Assumptions.assumeTrue(tsharkPresent(), "tshark is not installed");
        TcpScript s = new TcpScript();
        int n = 0;
        for (Consumer<TcpScript> scenario : scenarios().values()) {
            s.aPort = 41000 + (alternateFamilies ? n / 2 : n);
            s.ipv6 = alternateFamilies && n % 2 == 1;
            n++;
            s.after(10_000_000);
            scenario.accept(s);
        }
        Path pcap = Files.createTempFile("tcp-oracle", ".pcap");
        Map<Long, Set<String>> expected = new TreeMap<>();
        Map<Long, Integer> streams = new TreeMap<>();
        try (PcapFileWriter w = PcapFileWriter.open(pcap.toString())) {
            for (Event ev : s.events) {
                if (ev instanceof Event.Frame f) {
                    w.write(f.bytes(), f.timeMicros());
                    expected.put(f.captured().number(), new TreeSet<>());
                    streams.put(f.captured().number(), f.captured().stream());
                }
                if (ev instanceof Event.Note note && note.fields().get("finding") instanceof String k && !k.equals("reset")) {
                    Set<String> set = expected.get((Long) note.fields().get("frame"));
                    set.add(k);
                    // tshark's tcp.analysis.retransmission marks all three kinds
                    if (k.equals("fast_retransmission") || k.equals("spurious_retransmission")) {
                        set.add("retransmission");
                    }
                }
            }
        }
        Map<Long, Set<String>> seen = new TreeMap<>();
        for (long k : expected.keySet()) {
            seen.put(k, new TreeSet<>());
        }
        for (TcpFinding finding : TcpFinding.values()) {
            if (finding == TcpFinding.RESET) {
                continue;
            }
            for (String line : tshark(pcap, "-Y", finding.tsharkField(), "-T", "fields", "-e", "frame.number")) {
                seen.get(Long.parseLong(line)).add(finding.key());
            }
        }
        int agree = 0;
        List<String> differ = new ArrayList<>();
        for (long k : expected.keySet()) {
            if (expected.get(k).equals(seen.get(k))) {
                agree++;
            } else {
                differ.add("frame " + k + ": ours " + expected.get(k) + ", tshark " + seen.get(k));
            }
        }
        System.out.println("TCP findings agree with tshark on " + agree + " of " + expected.size() + " frames");
        assertEquals(List.of(), differ);
        for (String line : tshark(pcap, "-T", "fields", "-e", "frame.number", "-e", "tcp.stream")) {
            String[] f = line.split("\\t");
            assertEquals(Integer.parseInt(f[1]), streams.get(Long.parseLong(f[0])), "stream of frame " + f[0]);
        }
        Files.delete(pcap);
    }

    private static boolean tsharkPresent() {
        try {
            return new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> tshark(Path pcap, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }
}
