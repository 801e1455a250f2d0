package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.tcp.TcpConnection;
import synack.exchange.tcp.TcpConversation;
import synack.wire.Ip4;
import synack.wire.MacAddress;

/**
 * The live commands in-process on the in-memory host (no network, no root): exit codes from
 * their results' verdicts, every line on the writers picocli was given, and the run's context
 * (memory, keeper) reaching the commands from the command line they were parsed by.
 */
class LiveCommandsTest {
    final MemoryHost host = new MemoryHost();
    final SimulatedSegment net = new SimulatedSegment();

    LiveCommandsTest() {
        host.network = net;
    }

    InProcess.Outcome run(String... args) {
        return run(SessionMemory.NONE, ConnectionKeeper.NONE, args);
    }

    InProcess.Outcome run(SessionMemory memory, ConnectionKeeper keeper, String... args) {
        return InProcess.run(new RunContext(host, memory, keeper), args);
    }

    @Test
    void aRefusedHandshakeIsOneOnTheGivenStdout() {
        InProcess.Outcome o = run("handshake", "--retries", "1", "198.18.2.2", "80");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString());
        assertTrue(o.out().startsWith("handshake 198.18.1.2:" + host.guardedTcpPorts.get(0) + " → 198.18.2.2:80 via c0"), o.toString());
        assertEquals("", o.err(), o.toString());
    }

    @Test
    void jsonLinesAreAllThatReachStdoutAndTheResultCarriesTheExitCode() {
        InProcess.Outcome o = run("handshake", "--json", "198.18.2.2", "80");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString());
        List<String> lines = o.outLines();
        assertTrue(lines.size() > 4, o.toString());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"t\":") && l.endsWith("}")), o.toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("\"event\":\"result\"") && last.contains("\"exit\":1"), last);
        assertEquals("", o.err());
    }

    @Test
    void quietPrintsTheResultOnly() {
        InProcess.Outcome o = run("syn-probe", "-q", "198.18.2.2", "-p", "80,81");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString()); // closed, both
        assertTrue(o.outLines().size() <= 2, o.toString());
        assertTrue(o.out().contains("closed"), o.toString());
    }

    @Test
    void aSweepRunsOnTheRunnerTooWithOneArpPhaseForItsOneNextHop() { // a /30: its two hosts
        InProcess.Outcome o = run("syn-probe", "--no-progress", "--timeout", "100ms", "--show", "all", "198.18.2.0/30", "-p", "80");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString()); // every port closed: a negative answer
        assertEquals(1, net.arpAsked.size(), o.toString());
        assertEquals(2, net.tcpSeen.stream().filter(s -> s.has(synack.wire.TcpSegment.SYN)).count(), o.toString());
        assertTrue(host.filters.get(0).contains("(tcp and dst port " + host.guardedTcpPorts.get(0) + " and dst host 198.18.1.2)"),
                host.filters.toString());
    }

    @Test
    void aNameIsAskedOfTheNameServerFirstOnAFlowOfItsOwn() {
        net.names = Map.of("www.synack.test", Ip4.parse("198.18.2.2"));
        InProcess.Outcome o = run("syn-probe", "www.synack.test", "-p", "80");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString());
        assertEquals(1, net.dnsAsked.size());
        assertEquals(2, host.filters.size()); // the name's capture, then the probe's
        assertTrue(o.out().contains("www.synack.test is 198.18.2.2"), o.toString());
        assertEquals(1, host.heldUdpPorts.size());
    }

    @Test
    void aNameTheShellRemembersIsNotAskedAgain() {
        LiveRunTest.Remembering memory = new LiveRunTest.Remembering() {
            @Override
            public Integer address(String name) {
                return name.equals("www.synack.test") ? Ip4.parse("198.18.2.2") : null;
            }
        };
        InProcess.Outcome o = run(memory, ConnectionKeeper.NONE, "syn-probe", "www.synack.test", "-p", "80");
        assertEquals(ExitCodes.NEGATIVE, o.code(), o.toString());
        assertEquals(List.of(), net.dnsAsked);
        assertEquals(1, host.filters.size());
    }

    @Test
    void aNameNoServerAnswersIsNoAnswerAndNothingIsProbed() {
        InProcess.Outcome o = run("syn-probe", "www.silent.test", "-p", "80");
        assertEquals(ExitCodes.NO_ANSWER, o.code(), o.toString());
        assertEquals(List.of(), net.tcpSeen);
        assertTrue(o.out().contains("could not resolve www.silent.test"), o.toString());
    }

    @Test
    void dnsResolveAnswersHoldsItsPortAndNeedsNoTcpGuard() {
        net.names = Map.of("www.synack.test", Ip4.parse("198.18.2.2"));
        InProcess.Outcome o = run("dns-resolve", "-q", "@198.18.2.2", "www.synack.test");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        assertEquals(List.of("198.18.2.2"), o.outLines());
        assertEquals(1, host.heldUdpPorts.size());
        assertEquals(List.of(), host.guardedTcpPorts);
        InProcess.Outcome silent = run("dns-resolve", "--timeout", "100ms", "--retries", "1", "@198.18.2.2", "nobody.synack.test");
        assertEquals(ExitCodes.NO_ANSWER, silent.code(), silent.toString());
    }

    @Test
    void arpResolveIsOfTheSegmentOnly() {
        InProcess.Outcome o = run("arp-resolve", "-q", "198.18.1.1");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        assertTrue(o.out().startsWith("198.18.1.1 is-at 02:00:00:00:00:01"), o.toString());
        assertEquals(List.of("(arp and ether dst 02:00:00:00:00:02) or (ip[6:2] & 0x1fff != 0 and (dst host 198.18.1.2))"), host.filters);
        InProcess.Outcome silent = run("arp-resolve", "-c", "1", "--timeout", "100ms", "198.18.1.9");
        assertEquals(ExitCodes.NEGATIVE, silent.code(), silent.toString());
    }

    /** A keeper that records what it is handed, as the shell's would keep it. */
    static final class Keeper implements ConnectionKeeper {
        final List<String> asked = new ArrayList<>();
        Event.Result closeResult;

        @Override
        public boolean keepsConnections() {
            return true;
        }

        @Override
        public Kept keep(LiveSession session, TcpConversation.Path path, TcpConnection.Config config) {
            asked.add("keep " + path.peerIp().withPort(config.remotePort()) + " via " + path.nextHopMac());
            session.close();
            return new Kept(3, true, null);
        }

        @Override
        public boolean holds(int id) {
            return id == 3;
        }

        @Override
        public Event.Result close(int id, BooleanSupplier interrupted) {
            asked.add("close " + id);
            return closeResult;
        }
    }

    @Test
    void handshakeKeepHandsTheOpenSessionToTheRunsKeeper() {
        Keeper keeper = new Keeper();
        InProcess.Outcome o = run(SessionMemory.NONE, keeper, "handshake", "--keep", "198.18.2.2", "80");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        assertEquals(List.of("keep 198.18.2.2:80 via " + SimulatedSegment.ROUTER_MAC), keeper.asked);
        assertTrue(o.out().contains("connection 3 to 198.18.2.2:80 is open (ESTABLISHED)"), o.toString());
        assertEquals(1, host.guardedTcpPorts.size());
    }

    @Test
    void finTeardownOfAKeptConnectionIsTheKeepersCloseAndItsVerdict() {
        Keeper keeper = new Keeper();
        keeper.closeResult = new Event.Result(0, Verdict.OK, List.of(), "closed", Map.of("ok", true));
        InProcess.Outcome o = run(SessionMemory.NONE, keeper, "fin-teardown", "3");
        assertEquals(ExitCodes.OK, o.code(), o.toString());
        assertEquals(List.of("close 3"), keeper.asked);
        assertEquals(List.of("closed"), o.outLines());
        keeper.closeResult = new Event.Result(0, Verdict.NEGATIVE, List.of(), "reset by the peer", Map.of("ok", false));
        assertEquals(ExitCodes.NEGATIVE, run(SessionMemory.NONE, keeper, "fin-teardown", "3").code());
        InProcess.run(new RunContext(host, SessionMemory.NONE, keeper), "fin-teardown", "4").oneLine(ExitCodes.USAGE);
        assertEquals(List.of(), host.filters); // no capture for a kept connection's close
    }

    @Test
    void theNeighbourTheShellRemembersIsToldAsSuch() {
        LiveRunTest.Remembering memory = new LiveRunTest.Remembering();
        memory.router = MacAddress.parse("02:00:00:00:00:01");
        InProcess.Outcome o = run(memory, ConnectionKeeper.NONE, "syn-probe", "198.18.2.2", "-p", "80");
        assertTrue(o.out().contains("from the shell's neighbour cache"), o.toString());
        assertEquals(List.of(), net.arpAsked);
    }
}
