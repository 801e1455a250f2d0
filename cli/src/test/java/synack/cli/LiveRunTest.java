package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import synack.cli.render.Renderer;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConversation;
import synack.net.Route;
import synack.wire.ArpPacket;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * The live-command runner on the in-memory host: the set-up every command shares happens once,
 * in order (capture, header, next hop, RST guard, exchange, result), the run's memory answers
 * for the next hop, and what the runner holds is released at the end. Asserted on the events
 * and on what the host was asked, not on prose.
 */
class LiveRunTest {
    static final int PEER = Ip4.parse("198.18.2.2");

    /** A renderer that keeps the story as data. */
    static final class Story extends Renderer {
        final List<Event> events = new ArrayList<>();

        @Override
        protected void render(Event event) {
            events.add(event);
        }

        List<Event.Note> notes(Event.Note.Kind kind) {
            return events.stream().filter(e -> e instanceof Event.Note n && n.kind() == kind).map(e -> (Event.Note) e).toList();
        }

        List<Event.Frame> frames() {
            return events.stream().filter(e -> e instanceof Event.Frame).map(e -> (Event.Frame) e).toList();
        }

        Event.Result result() {
            Event last = events.get(events.size() - 1);
            return last instanceof Event.Result r ? r : null;
        }
    }

    /** A memory that knows the router, and records what it learns. */
    static class Remembering implements SessionMemory {
        final List<String> learned = new ArrayList<>();
        MacAddress router;

        @Override
        public MacAddress neighbour(int ip) {
            return ip == SimulatedSegment.ROUTER_IP ? router : null;
        }

        @Override
        public long neighbourAgeMicros(int ip) {
            return 4_000_000;
        }

        @Override
        public void learnedNeighbour(int ip, MacAddress mac) {
            learned.add(Ip4.toString(ip) + " is-at " + mac);
        }

        @Override
        public Integer address(String host) {
            return null;
        }

        @Override
        public void learnedAddress(String host, int ip, long ttlSeconds) {
            learned.add(host + " is " + Ip4.toString(ip));
        }
    }

    final MemoryHost host = new MemoryHost();
    final SimulatedSegment net = new SimulatedSegment();
    final LiveOptions live = new LiveOptions();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    LiveRunTest() {
        host.network = net;
    }

    LiveRun run(SessionMemory memory) {
        return new LiveRun(live, new RunContext(host, memory, ConnectionKeeper.NONE), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
    }

    static TcpOptions tcp() {
        TcpOptions o = new TcpOptions();
        o.retries = 1;
        o.initialRtoMicros = 200_000;
        o.mslMicros = 10_000;
        return o;
    }

    int handshake(LiveRun run, Story story) {
        return TcpRun.conversation(run, "handshake", tcp(), story, synack.wire.IpAddress.of(PEER), 80,
                new TcpConversation.Plan(new byte[0], TcpConversation.Ending.CLOSE, 0, "handshake"));
    }

    @Test
    void theSetUpEveryCommandSharesHappensOnceInOrder() {
        Story story = new Story();
        int exit = handshake(run(SessionMemory.NONE), story);

        assertEquals(ExitCodes.NEGATIVE, exit, story.events.toString()); // the simulated kernel refuses the port
        assertEquals(Verdict.NEGATIVE, story.result().verdict());
        int port = host.guardedTcpPorts.get(0);
        assertEquals(List.of("((arp and ether dst 02:00:00:00:00:02) or (tcp and src host 198.18.2.2 and src port 80 and dst port "
                + port + ") or (icmp and dst host 198.18.1.2)) or (ip[6:2] & 0x1fff != 0 and (dst host 198.18.1.2))"), host.filters);
        // the header opens the story; the next hop is asked before any TCP segment leaves
        assertEquals(Event.Note.Kind.HEADER, ((Event.Note) story.events.get(0)).kind());
        assertEquals(1, story.notes(Event.Note.Kind.PHASE).size());
        assertEquals("ARP next hop 198.18.1.1 (gateway)", story.notes(Event.Note.Kind.PHASE).get(0).fields().get("phase"));
        assertEquals(1, net.arpAsked.size());
        assertEquals(List.of(port), List.copyOf(SimulatedSegment.ports(net.tcpSeen)));
        // the SYN went to the router's MAC the ARP phase found
        Event.Frame syn = story.frames().stream().filter(f -> f.direction() == Event.Direction.OUT && f.bytes()[13] == 0x00).skip(0)
                .findFirst().orElseThrow();
        assertEquals(SimulatedSegment.ROUTER_MAC, MacAddress.read(syn.bytes(), 0));
        // released at the end, as on Ctrl-C
        assertEquals(List.of("rst guard " + port), host.released);
        assertEquals(0, host.capturesOpen.get(), "the capture is closed by the time the run returns");
        assertEquals("", err.toString());
    }

    @Test
    void aOneLinerRemembersNothingTheShellsMemoryLearnsTheNextHop() {
        Remembering memory = new Remembering();
        handshake(run(memory), new Story());
        assertEquals(List.of("198.18.1.1 is-at 02:00:00:00:00:01"), memory.learned);
    }

    @Test
    void aNeighbourTheMemoryHoldsIsNotAskedAgain() {
        Remembering memory = new Remembering();
        memory.router = SimulatedSegment.ROUTER_MAC;
        Story story = new Story();
        handshake(run(memory), story);
        assertEquals(List.of(), net.arpAsked);
        assertEquals(List.of(), story.notes(Event.Note.Kind.PHASE));
        assertEquals(1, story.notes(Event.Note.Kind.INFO).stream().filter(n -> n.text().contains("neighbour cache")).count());
        assertFalse(net.tcpSeen.isEmpty());
    }

    @Test
    void aSilentNextHopEndsTheStoryBeforeTheExchangeAndNothingIsGuarded() {
        net.routerAnswersArp = false;
        Story story = new Story();
        int exit = handshake(run(SessionMemory.NONE), story);
        assertEquals(ExitCodes.NEGATIVE, exit);
        assertEquals(Verdict.NEGATIVE, story.result().verdict());
        assertEquals("next hop 198.18.1.1 did not answer ARP", story.result().fields().get("error"));
        assertEquals(3, net.arpAsked.size());
        assertEquals(List.of(), net.tcpSeen);
        assertEquals(List.of(), host.guardedTcpPorts);
    }

    @Test
    void anSourceAddressNoInterfaceHoldsIsAnsweredForAndNeedsNoRstGuard() {
        live.source = synack.wire.IpAddress.parse("198.18.1.77");
        Story story = new Story();
        handshake(run(SessionMemory.NONE), story);
        assertTrue(host.filters.get(0).contains("(arp and arp[24:4] = " + Integer.toUnsignedString(live.source.v4()) + ")"), host.filters.toString());
        assertEquals(List.of(), host.guardedTcpPorts); // the kernel does not know the address: it sends no RST for it
        assertEquals(live.source.v4(), net.arpAsked.get(0).senderIp());
    }

    @Test
    void aUdpPortIsHeldAndTheTcpPortGuardedOnlyWhenAskedOnce() {
        LiveRun run = run(SessionMemory.NONE);
        Story story = new Story();
        LiveFlow flow = LiveFlow.toPeer(PEER).udpSourcePort().tcpSourcePort(null).capture(end -> "udp").arpNextHop();
        try (LivePath path = run.open(flow, story)) {
            assertFalse(path.stopped());
            assertEquals(List.of(path.end().udpPort()), host.heldUdpPorts);
            assertEquals(List.of(), host.guardedTcpPorts); // a DNS lookup guards only when it falls back to TCP
            path.guardTcpPort();
            path.guardTcpPort();
            assertEquals(List.of(path.end().tcpPort()), host.guardedTcpPorts);
            assertTrue(path.end().udpPort() >= 61000 && path.end().tcpPort() >= 61000);
        }
        assertEquals(2, host.released.size(), host.released.toString());
    }

    @Test
    void aGivenSourcePortIsChecked() {
        LiveRun run = run(SessionMemory.NONE);
        UsageProblem p = org.junit.jupiter.api.Assertions.assertThrows(UsageProblem.class,
                () -> run.open(LiveFlow.toPeer(PEER).tcpSourcePort(70000), new Story()));
        assertEquals("--source-port must be 1-65535, not 70000", p.getMessage());
        assertEquals(List.of(), host.filters); // before anything was opened
    }

    @Test
    void aSegmentOnlyFlowCapturesNoIcmpAndAsksNoNextHop() {
        LiveRun run = run(SessionMemory.NONE);
        Route route = run.route(SimulatedSegment.ROUTER_IP);
        Story story = new Story();
        try (LivePath path = run.open(LiveFlow.onSegment(route).capture(end -> "arp and ether dst " + end.route().via().mac())
                .header(end -> "arp-resolve", end -> Map.of()), story)) {
            assertFalse(path.stopped());
            assertNull(path.nextHop());
        }
        assertEquals(List.of("(arp and ether dst 02:00:00:00:00:02) or (ip[6:2] & 0x1fff != 0 and (dst host 198.18.1.2))"), host.filters);
        assertEquals(List.of(), net.arpAsked);
    }

    @Test
    void stoppedBeforeTheExchangeBeganStillGivesScriptsOneResultWhenTheFlowAsks() {
        LiveRun run = run(SessionMemory.NONE);
        Route route = run.route(PEER);
        Story story = new Story();
        Interrupts.request();
        try {
            int exit = run.run(LiveFlow.along(route).tcpSourcePort(null).arpNextHops(java.util.Arrays.asList(route, null))
                    .resultWhenStoppedEarly("interrupted before the sweep began"), story, path -> {
                        throw new AssertionError("no exchange after Ctrl-C");
                    });
            assertEquals(ExitCodes.INTERRUPTED, exit);
            assertEquals(Verdict.INTERRUPTED, story.result().verdict());
            assertEquals("interrupted before the sweep began", story.result().summary());
        } finally {
            Interrupts.reset();
        }
    }

    @Test
    void minusWRecordsEveryFrameSentAndReceived(@TempDir Path dir) throws Exception {
        live.pcapFile = dir.resolve("run.pcap").toString();
        handshake(run(SessionMemory.NONE), new Story());
        byte[] pcap = Files.readAllBytes(Path.of(live.pcapFile));
        // ARP request and reply, SYN and RST: four records after the 24-byte file header
        int records = 0;
        for (int at = 24; at + 16 <= pcap.length; records++) {
            int caplen = (pcap[at + 8] & 0xff) | (pcap[at + 9] & 0xff) << 8 | (pcap[at + 10] & 0xff) << 16 | (pcap[at + 11] & 0xff) << 24;
            at += 16 + caplen;
        }
        assertEquals(4, records);
    }

    @Test
    void theArpPhaseAsksFromOurAddress() {
        handshake(run(SessionMemory.NONE), new Story());
        ArpPacket asked = net.arpAsked.get(0);
        assertEquals(MemoryHost.OUR_IP, asked.senderIp());
        assertEquals(SimulatedSegment.ROUTER_IP, asked.targetIp());
    }
}
