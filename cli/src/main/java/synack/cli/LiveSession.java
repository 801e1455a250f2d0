package synack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.EventSink;
import synack.time.Clock;
import synack.exchange.Exchange;
import synack.exchange.Runner;
import synack.iface.Interface;
import synack.link.Link;
import synack.link.PcapFileWriter;
import synack.link.PcapLink;
import synack.link.RecordingLink;
import synack.net.LocalInterface;

/**
 * A live capture on one interface for the length of a command: checks privilege, opens pcap
 * with a filter, records to -w, runs one or more exchanges (earlier ones as phases of the
 * story), and on close — also on Ctrl-C — releases everything it was given to clean up.
 * {@link LiveRun} opens it as a flow declares; the host it captures on is a {@link LiveHost}.
 */
public final class LiveSession implements AutoCloseable {
    private final Renderer renderer;
    private final Interface link;
    private final LiveHost host;
    private final Clock clock;
    private final PrintStream err;
    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();
    private boolean closed;

    private LiveSession(Renderer renderer, Interface link, LiveHost host, PrintStream err) {
        this.renderer = renderer;
        this.link = link;
        this.host = host;
        this.clock = host.clock();
        this.err = err;
    }

    /** @param err where a cleanup that failed is told (the command's stderr) */
    public static LiveSession open(LiveHost host, LiveOptions options, Renderer renderer, LocalInterface via, String bpfFilter,
                                   PcapLink.Capture capture, PrintStream err) {
        host.requireRawSockets();
        PcapFileWriter writer = null;
        if (options.pcapFile != null) {
            try {
                writer = PcapFileWriter.open(options.pcapFile);
            } catch (IOException e) {
                throw new UsageProblem(e.getMessage());
            }
        }
        Interrupts.install();
        try {
            // a later fragment carries no ports, so an exchange's "src port 53" misses it: take them
            // all (they are rare) and let the interface's reassembly put the datagram together
            Link link = host.capture(via.name(), "(" + bpfFilter + ")" + laterFragmentsTo(via), capture);
            if (writer != null) {
                link = new RecordingLink(link, writer, host.clock());
            }
            link = new FlushBeforeWait(link, host.clock(), renderer::flush);
            return new LiveSession(renderer, new Interface(link, via.mtu(), host.clock()), host, err);
        } catch (RuntimeException e) {
            if (writer != null) {
                writer.close();
            }
            Interrupts.cleanedUp();
            throw e;
        }
    }

    /** Later IPv4 fragments and all IPv6 fragments addressed to one of the interface's addresses (none: no clause). */
    private static String laterFragmentsTo(LocalInterface via) {
        StringBuilder hosts = new StringBuilder();
        for (LocalInterface.Address a : via.addresses()) {
            hosts.append(hosts.length() == 0 ? "" : " or ").append("dst host ").append(synack.wire.Ip4.toString(a.ip()));
        }
        StringBuilder hosts6 = new StringBuilder();
        for (LocalInterface.Address6 a : via.ipv6Addresses()) {
            hosts6.append(hosts6.length() == 0 ? "" : " or ").append("dst host ").append(a.ip());
        }
        // an IPv6 fragment, the first included, has next header 44 where "udp" looks: none matches the exchange's filter
        return (hosts.length() == 0 ? "" : " or (ip[6:2] & 0x1fff != 0 and (" + hosts + "))")
                + (hosts6.length() == 0 ? "" : " or (ip6[6] == 44 and (" + hosts6 + "))");
    }

    /** The time of the host the session captures on (the stamps its frames carry). */
    public long now() {
        return clock.nowMicros();
    }

    /** With -S ADDR that no interface holds, we answer ARP for it, whatever the exchange. */
    public void answerArpFor(int ip, synack.wire.MacAddress mac) {
        link.answerArpFor(ip, mac);
    }

    /** With an IPv6 -S ADDR that no interface holds, we answer the neighbour solicitations for it, whatever the exchange. */
    public void answerNeighbourSolicitationsFor(synack.wire.IpAddress ip, synack.wire.MacAddress mac) {
        link.answerNeighbourSolicitationsFor(ip, mac);
    }

    /**
     * Our UDP port, held by a real socket for the session (see UdpPortClaim): the kernel then
     * queues replies to it instead of answering each with ICMP port unreachable (nothing to
     * hold for an address no interface has, -S: that kernel never answers for it).
     */
    public void claimUdpPort(int ip, int port) {
        claimUdpPort(synack.wire.IpAddress.of(ip), port);
    }

    public void claimUdpPort(synack.wire.IpAddress ip, int port) {
        String key = ip.withPort(port);
        if (!claimedUdp.contains(key)) { // several lookups of one session may share a port
            onClose(host.holdUdpPort(ip, port)); // a port that cannot be held is not remembered as held
            claimedUdp.add(key);
        }
    }

    private final java.util.Set<String> claimedUdp = new java.util.HashSet<>();

    /** Something to release when the session ends, last registered first released. */
    public void onClose(AutoCloseable cleanup) {
        cleanups.push(cleanup);
    }

    public void header(String text, Map<String, Object> fields) {
        renderer.accept(new Event.Note(clock.nowMicros(), Event.Note.Kind.HEADER, text, fields));
    }

    /** Runs the command's main exchange; its result is the command's result. Returns the exit code. */
    public int run(Exchange exchange) {
        return run(exchange, () -> { });
    }

    /** As {@link #run(Exchange)}, calling {@code between} before each wait (a progress bar's tick). */
    public int run(Exchange exchange, Runnable between) {
        new Runner(link, clock, renderer).run(exchange, Interrupts::requested, between);
        return LiveRun.exitCode(renderer);
    }

    /**
     * Runs an exchange as one phase of a longer story (e.g. ARP for the next hop before a
     * handshake): its frames and transitions are told, its result becomes a phase note.
     */
    public Event.Result phase(Exchange exchange, String name) {
        Event.Result[] result = new Event.Result[1];
        EventSink sink = e -> {
            if (e instanceof Event.Result r) {
                result[0] = r;
                String text = name + ": " + String.join("; ", r.lines()) + (r.summary() != null ? " " + r.summary() : "");
                renderer.accept(new Event.Note(r.timeMicros(), Event.Note.Kind.PHASE, text, Map.of("phase", name, "exit", r.verdict())));
            } else {
                renderer.accept(e);
            }
        };
        new Runner(link, clock, sink).run(exchange, Interrupts::requested);
        return result[0];
    }

    /** Runs an exchange and hands back its result untold: the command composes the story's one result. */
    public Event.Result capture(Exchange exchange) {
        return capture(exchange, this::shouldStop, () -> { });
    }

    /** As {@link #capture(Exchange)}, with the caller's stop condition and work between waits (see Runner). */
    public Event.Result capture(Exchange exchange, java.util.function.BooleanSupplier stop, Runnable between) {
        Event.Result[] result = new Event.Result[1];
        EventSink sink = e -> {
            if (e instanceof Event.Result r) {
                result[0] = r;
            } else {
                renderer.accept(e);
            }
        };
        new Runner(link, clock, sink).run(exchange, stop, between);
        return result[0];
    }

    private boolean shouldStop() {
        return Interrupts.requested();
    }

    public void tell(Event event) {
        renderer.accept(event);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        renderer.flush(); // a phase's story (a name looked up before the sweep) is whole on the screen before what comes next
        try {
            // closing a capture waits for the kernel (a packet socket's release waits out an RCU grace
            // period, ~15-20 ms), as removing a firewall rule does: with cleanups to do, both wait at once
            // (none of them needs the capture; both are done before close returns)
            CaptureClose capture = cleanups.isEmpty() ? null : new CaptureClose(link);
            while (!cleanups.isEmpty()) {
                try {
                    cleanups.pop().close();
                } catch (Exception e) {
                    err.println("synack: cleanup failed: " + e.getMessage());
                }
            }
            if (capture == null) {
                link.close();
            } else {
                capture.await();
            }
        } finally {
            Interrupts.cleanedUp();
        }
    }

    /** A link's close on a thread of its own, awaited (and what it threw rethrown) by {@link #await}. */
    private static final class CaptureClose extends Thread {
        private final Link link;
        private volatile Throwable failed;

        CaptureClose(Link link) {
            super("synack-capture-close");
            this.link = link;
            start();
        }

        @Override
        public void run() {
            try {
                link.close();
            } catch (Throwable t) {
                failed = t;
            }
        }

        void await() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    join();
                } catch (InterruptedException e) {
                    interrupted = true; // the capture is closed before we return, interrupted or not
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failed instanceof RuntimeException e) {
                throw e;
            }
            if (failed instanceof Error e) {
                throw e;
            }
        }
    }
}
