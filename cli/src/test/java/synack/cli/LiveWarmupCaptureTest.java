package synack.cli;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import synack.cli.commands.DnsResolveCommand;
import synack.cli.commands.SynProbeCommand;
import synack.exchange.tcp.TcpConversation;

/**
 * The capture a one-liner's warm-up activates early is taken only when it is the one the command opens
 * itself (same ring): its guess from the command line must match the command's own choice, or every run
 * pays for a second activation (15-45 ms).
 */
class LiveWarmupCaptureTest {
    private static final TcpConversation.Plan RST = new TcpConversation.Plan(new byte[0], TcpConversation.Ending.RST, 0, "handshake");
    private static final TcpConversation.Plan CLOSE = new TcpConversation.Plan(new byte[0], TcpConversation.Ending.CLOSE, 0, "handshake");

    @Test
    void handshakeWithRstTakesTheSmallRingAsItsConversationDoes() {
        assertSame(TcpRun.capture(RST), LiveWarmup.capture(new String[] {"handshake", "-q", "--rst", "198.18.2.2", "80"}));
        assertSame(LiveFlow.ONE_ANSWER, TcpRun.capture(RST));
        assertSame(TcpRun.capture(CLOSE), LiveWarmup.capture(new String[] {"handshake", "198.18.2.2", "80"}));
        assertSame(TcpRun.CONVERSATION, TcpRun.capture(CLOSE));
        // data sent, or a close: the peer's whole window may come, as before
        assertSame(TcpRun.CONVERSATION, TcpRun.capture(new TcpConversation.Plan(new byte[] {1}, TcpConversation.Ending.RST, 0, "x")));
    }

    @Test
    void synProbeGuessesItsPortCountFromTheCommandLine() {
        assertSame(SynProbeCommand.narratedCapture(1), LiveWarmup.capture(new String[] {"syn-probe", "-q", "198.18.2.2", "-p", "80"}));
        assertSame(SynProbeCommand.narratedCapture(1), LiveWarmup.capture(new String[] {"syn-probe", "198.18.2.2", "-p80"}));
        assertSame(SynProbeCommand.narratedCapture(3), LiveWarmup.capture(new String[] {"syn-probe", "198.18.2.2", "--ports=22,80,443"}));
        assertSame(SynProbeCommand.narratedCapture(12),
                LiveWarmup.capture(new String[] {"syn-probe", "198.18.2.2", "--ports", "1,2,3,4,5,6,7,8,9,10,11,12"}));
        // counted as the command counts them: a range, repeats, a cluster, --top-ports
        assertSame(SynProbeCommand.narratedCapture(6), LiveWarmup.capture(new String[] {"syn-probe", "198.18.2.2", "-p", "20-25"}));
        assertSame(SynProbeCommand.narratedCapture(2), LiveWarmup.capture(new String[] {"syn-probe", "-qp", "80,80,443", "198.18.2.2"}));
        assertSame(SynProbeCommand.narratedCapture(1), LiveWarmup.capture(new String[] {"syn-probe", "-qp80", "198.18.2.2"}));
        assertSame(SynProbeCommand.narratedCapture(5), LiveWarmup.capture(new String[] {"syn-probe", "--top-ports", "5", "198.18.2.2"}));
        assertSame(LiveFlow.ONE_ANSWER, SynProbeCommand.narratedCapture(1));
        assertSame(LiveFlow.FEW_FRAMES, SynProbeCommand.narratedCapture(2));
        assertSame(LiveFlow.FEW_FRAMES, SynProbeCommand.narratedCapture(LiveFlow.FEW_FRAMES_ANSWERS));
        assertSame(LiveFlow.EXCHANGE, SynProbeCommand.narratedCapture(LiveFlow.FEW_FRAMES_ANSWERS + 1));
    }

    @Test
    void dnsResolveGuessesItsBufsize() {
        assertSame(DnsResolveCommand.oneNameCapture(1232), LiveWarmup.capture(new String[] {"dns-resolve", "-q", "@198.18.2.2", "www.synack.test"}));
        assertSame(LiveFlow.FEW_FRAMES, DnsResolveCommand.oneNameCapture(1232));
        assertSame(DnsResolveCommand.oneNameCapture(512), LiveWarmup.capture(new String[] {"dns-resolve", "@198.18.2.2", "big.synack.test", "TXT", "--no-edns"}));
        assertSame(DnsResolveCommand.oneNameCapture(4096), LiveWarmup.capture(new String[] {"dns-resolve", "@198.18.2.2", "x", "--bufsize", "4096"}));
        assertSame(DnsResolveCommand.oneNameCapture(65535), LiveWarmup.capture(new String[] {"dns-resolve", "@198.18.2.2", "x", "--bufsize=65535"}));
        assertSame(TcpRun.CONVERSATION, DnsResolveCommand.oneNameCapture(65535)); // a burst of up to 45 fragments
    }

    @Test
    void otherCommandsKeepTheirRings() {
        assertSame(TcpRun.CONVERSATION, LiveWarmup.capture(new String[] {"fin-teardown", "198.18.2.2", "80"}));
        assertSame(synack.cli.commands.ArpResolveCommand.ARP_CAPTURE, LiveWarmup.capture(new String[] {"arp-resolve", "198.18.1.1"}));
    }

    /** ndp-resolve, and arp-resolve of an IPv6 target, open neighbour discovery's ring; of an IPv4 target ARP's. */
    @Test
    void neighbourDiscoveryTakesItsOwnRingAndArpItsOwn() {
        assertSame(LiveFlow.EXCHANGE, LiveWarmup.capture(new String[] {"ndp-resolve", "-q", "2001:db8:1::1"}, true));
        assertSame(synack.cli.commands.ArpResolveCommand.ARP_CAPTURE, LiveWarmup.capture(new String[] {"ndp-resolve", "198.18.1.1"}, false));
        assertSame(synack.cli.commands.ArpResolveCommand.ARP_CAPTURE, LiveWarmup.capture(new String[] {"arp-resolve", "198.18.1.1"}));
    }
}
