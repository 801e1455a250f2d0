package synack.cli.commands;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import synack.capture.CaptureFilter;
import synack.capture.CaptureFormatException;
import synack.capture.CaptureReader;
import synack.cli.LiveOptions;
import synack.cli.Narration;
import synack.cli.UsageProblem;
import synack.cli.WriterStream;
import synack.cli.render.JsonRenderer;
import synack.cli.render.Renderer;
import synack.explain.ExplainChecks;
import synack.explain.ExplainStory;
import synack.explain.Explainer;

@Command(name = "explain", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
            "Tell the story of a capture file (pcap or pcapng, from tcpdump, Wireshark, a CI job or synack -w) as synack",
            "tells its own exchanges, offline and with no privilege: per TCP connection both ends' RFC 9293 states as the",
            "wire shows them (assumed where the capture starts mid-stream), the seq/ack arithmetic, options, window and",
            "scale, RTT, retransmissions with their reason, duplicate ACKs, SACK, out-of-order segments and segments the",
            "capture missed (told apart: a gap nobody repeats yet the receiver ACKs was on the wire), zero windows, keep-alives,",
            "RSTs and what they answered, the close path; ARP who-has/is-at with the neighbour states, gratuitous ARP and",
            "conflicts; DNS queries matched to answers, time-outs, TC and the TCP retry; HTTP/1.1 requests and responses",
            "over the reassembled streams with their timing; TLS records and the clear handshake.",
            "Link types: Ethernet, Linux cooked (SLL, SLL2: tcpdump -i any), raw IP, loopback. Connections are numbered as",
            "Wireshark's tcp.stream; -> is a frame from side A (who began), <- from side B."},
        footer = {"", "Exit status: 0 the capture was told and every --expect check held, 1 a check did not hold,",
            "2 usage (no such file, not a capture, a bad filter), 3 environment (a filter needs libpcap), 130 interrupted.",
            "", "Examples:", "  synack explain trace.pcap", "  synack explain trace.pcapng tcp port 80",
            "  synack explain --flow 3 --relative trace.pcap", "  synack explain -q --expect-no-retransmissions --expect-status 200 ci.pcap"})
public final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A pcap or pcapng file; - reads standard input.")
    String file;

    @Parameters(index = "1..*", paramLabel = "FILTER", description = "A capture filter as tcpdump takes it (BPF: tcp port 80).")
    List<String> filterWords = new ArrayList<>();

    @Option(names = "--flow", paramLabel = "N", description = "Only TCP connection N (Wireshark's tcp.stream N), told whole.")
    Integer flow;

    @Option(names = "--relative", description = "Sequence numbers counted from each side's ISN, as Wireshark shows them.")
    boolean relative;

    @Option(names = "--expect-no-retransmissions", description = "Exit 1 if any segment was retransmitted (RTO, fast or spurious).")
    boolean expectNoRetransmissions;

    @Option(names = "--expect-no-resets", description = "Exit 1 if any connection was reset or refused.")
    boolean expectNoResets;

    @Option(names = "--expect-handshake-ms", paramLabel = "MAX",
            description = "Exit 1 unless every three-way handshake in the capture took at most MAX ms (and there was one).")
    Double expectHandshakeMs;

    @Option(names = "--expect-status", paramLabel = "CODE",
            description = "Exit 1 unless every HTTP response in the capture has this status (200, or 2xx), and there was one.")
    String expectStatus;

    @Option(names = "--json", description = "One JSON object per event per line, nothing else on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "One summary line per connection (and per DNS and ARP exchange).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Every field of every frame; twice (-vv) adds hex.")
    boolean[] verbose = new boolean[0];

    @Option(names = "--explain", description = "Under each state change, one line of why, in the RFC's reasoning.")
    boolean explain;

    @Option(names = "--no-color", description = "No colour even on a terminal (NO_COLOR in the environment does the same).")
    boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
    boolean debug;

    @Override
    public Integer call() {
        ExplainChecks checks;
        try {
            checks = new ExplainChecks(expectNoRetransmissions, expectNoResets, expectHandshakeMs, expectStatus);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        if (flow != null && flow < 0) {
            throw new UsageProblem("--flow wants a connection number from 0 (Wireshark's tcp.stream), not " + flow);
        }
        CommandLine cli = spec.commandLine();
        PrintStream out = WriterStream.buffered(cli.getOut()); // flushed on the result, and before stdin makes us wait
        PrintStream err = WriterStream.printStream(cli.getErr());
        LiveOptions o = new LiveOptions(); // the narration options explain shares with the live commands
        o.json = json;
        o.quiet = quiet;
        o.verbose = verbose;
        o.explain = explain;
        o.noColor = noColor;
        o.debug = debug;
        Renderer renderer = Narration.forOptions(o, relative, "explain", JsonRenderer.FROM_FIRST_EVENT, out, err);
        String name = file.equals("-") ? "(standard input)" : file;
        // the reader may meet a problem while it opens the file, before the explainer exists: kept for it
        List<synack.capture.CaptureProblem> early = new ArrayList<>();
        Explainer[] explainer = new Explainer[1];
        try (CaptureReader reader = open(renderer, p -> {
            if (explainer[0] == null) {
                early.add(p);
            } else {
                explainer[0].problem(p);
            }
        })) {
            CaptureFilter filter = filterWords.isEmpty() ? null : filter(reader);
            try {
                explainer[0] = new Explainer(renderer, new Explainer.Settings(filter, flow));
                early.forEach(explainer[0]::problem);
                Explainer.Seen seen = explainer[0].run(reader, name);
                ExplainStory.answers(explainer[0], seen.lastMicros()).forEach(renderer::accept);
                renderer.accept(ExplainStory.result(explainer[0], seen, checks));
            } finally {
                if (filter != null) {
                    filter.close();
                }
            }
        } catch (IOException e) {
            // a file that stops being readable half-way (the damaged content itself is told, not thrown)
            throw new UsageProblem("cannot read " + name + ": " + e.getMessage());
        }
        return renderer.exitCode();
    }

    private CaptureReader open(Renderer renderer, java.util.function.Consumer<synack.capture.CaptureProblem> problems) {
        try {
            if (file.equals("-")) {
                return CaptureReader.of(new FlushBeforeWait(System.in, renderer), "-", problems);
            }
            Path p = Path.of(file);
            if (Files.isDirectory(p)) {
                throw new UsageProblem(file + " is a directory, not a capture file");
            }
            return CaptureReader.open(p, problems);
        } catch (CaptureFormatException e) {
            throw new UsageProblem(e.getMessage()); // it names the file
        } catch (NoSuchFileException e) {
            throw new UsageProblem("no such file: " + file);
        } catch (IOException e) {
            throw new UsageProblem("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Standard input that flushes the story told so far before a read that would wait: a capture
     * piped in as it is made (tcpdump -w - | synack explain -) is told as its frames come.
     */
    private static final class FlushBeforeWait extends java.io.FilterInputStream {
        private final Renderer renderer;

        FlushBeforeWait(java.io.InputStream in, Renderer renderer) {
            super(in);
            this.renderer = renderer;
        }

        @Override
        public int read() throws IOException {
            flushIfWaiting();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            flushIfWaiting();
            return super.read(b, off, len);
        }

        private void flushIfWaiting() throws IOException {
            if (in.available() == 0) {
                renderer.flush();
            }
        }
    }

    /** The filter compiled for the file's first link type, as tcpdump -r compiles it for the file's. */
    private CaptureFilter filter(CaptureReader reader) throws IOException {
        String expression = String.join(" ", filterWords);
        try {
            return CaptureFilter.compile(expression, reader.linkTypes().isEmpty() ? synack.wire.LinkType.ETHERNET
                    : reader.linkTypes().get(0), reader.snaplen() > 0 ? reader.snaplen() : 262144);
        } catch (synack.capture.CaptureFilterException e) {
            throw new UsageProblem("capture filter '" + expression + "': " + e.libpcapMessage());
        }
    }
}
