package synack.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The capture fixtures (src/test/resources/captures, made by make-fixtures.sh) and a reader that keeps what it met. */
final class Fixtures {
    static final String[] ALL = {
        "lo-http.pcap", "lo-http-nanos.pcap", "lo-http-snap96.pcap", "any-http-sll2.pcap", "any-http-sll.pcap",
        "raw-udp.pcap", "null-udp.pcap", "loop-udp.pcap", "vlan-udp.pcap",
        "lo-http.pcapng", "merged-eth-sll2.pcapng", "dumpcap-http.pcapng", "ipv4-udp.pcapng",
    };

    private Fixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String name) {
        String text = new String(bytes(name), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    /** Everything one read of a capture gave: its frames and the problems reported, in order. */
    record Read(CaptureReader.Format format, List<CapturedFrame> frames, List<CaptureProblem> problems, List<synack.wire.LinkType> links,
                long bytesRead) {
        List<CaptureProblem.Kind> kinds() {
            return problems.stream().map(CaptureProblem::kind).toList();
        }
    }

    static Read read(byte[] file) throws IOException {
        List<CaptureProblem> problems = new ArrayList<>();
        try (CaptureReader r = CaptureReader.of(new ByteArrayInputStream(file), "test", problems::add)) {
            List<CapturedFrame> frames = new ArrayList<>();
            CapturedFrame f;
            while ((f = r.next()) != null) {
                frames.add(f);
            }
            return new Read(r.format(), frames, problems, r.linkTypes(), r.bytesRead());
        }
    }

    static Read read(String name) throws IOException {
        return read(bytes(name));
    }
}
