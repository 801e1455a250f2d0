package synack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A name given by the user that no DNS name can be is a usage error (2), not a bug (70). */
class LiveNameCheckTest {
    final MemoryHost host = new MemoryHost();
    final SimulatedSegment net = new SimulatedSegment();

    @Test
    void anOverlongLabelInAGivenNameIsUsageNotABug() {
        host.network = net;
        InProcess.Outcome o = InProcess.run(new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE),
                "syn-probe", "a".repeat(64) + ".synack.test", "-p", "80");
        assertEquals(ExitCodes.USAGE, o.code(), o.toString());
        InProcess.Outcome get = InProcess.run(new RunContext(host, SessionMemory.NONE, ConnectionKeeper.NONE),
                "http-get", "http://" + "a".repeat(64) + ".synack.test/");
        assertEquals(ExitCodes.USAGE, get.code(), get.toString());
    }
}
