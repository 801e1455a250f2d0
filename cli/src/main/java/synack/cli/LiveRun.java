package synack.cli;

import java.io.IOException;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.exchange.Clock;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.link.Link;
import synack.link.PcapFileWriter;
import synack.link.PcapLink;
import synack.link.Privileges;
import synack.link.RecordingLink;
import synack.net.LocalInterface;

/**
 * Runs one exchange on a live interface: checks privilege, opens the capture with the
 * exchange's filter, records to -w, tells the header, runs to the result, cleans up on Ctrl-C.
 */
public final class LiveRun {
    private LiveRun() {}

    public static int run(LiveOptions options, Renderer renderer, LocalInterface via, String bpfFilter,
                          String header, Map<String, Object> headerFields, Exchange exchange) {
        Privileges.requireRawSockets();
        PcapFileWriter writer = null;
        if (options.pcapFile != null) {
            try {
                writer = PcapFileWriter.open(options.pcapFile);
            } catch (IOException e) {
                throw new UsageProblem(e.getMessage());
            }
        }
        Interrupts.install();
        Link link = null;
        try {
            link = PcapLink.open(via.name(), bpfFilter);
            if (writer != null) {
                link = new RecordingLink(link, writer, Clock.SYSTEM);
                writer = null; // the recording link closes it
            }
            renderer.accept(new Event.Note(Clock.SYSTEM.nowMicros(), "header", header, headerFields));
            new Runner(link, Clock.SYSTEM, renderer).run(exchange, Interrupts::requested);
        } finally {
            if (link != null) {
                link.close();
            }
            if (writer != null) {
                writer.close();
            }
            Interrupts.cleanedUp();
        }
        if (Interrupts.requested()) {
            return ExitCodes.INTERRUPTED;
        }
        return renderer.exitCode() < 0 ? ExitCodes.NO_ANSWER : renderer.exitCode();
    }
}
