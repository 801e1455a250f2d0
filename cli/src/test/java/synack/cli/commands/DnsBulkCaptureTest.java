package synack.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import synack.link.PcapLink;

/** The -f capture ring: a slot for every answer the window may have out, and never a ring without bound. */
class DnsBulkCaptureTest {
    @Test
    void theDefaultCapGetsASlotForEveryAnswerOutAndABurstAsMany() {
        PcapLink.Capture c = DnsResolveCommand.bulkCapture(500, 1232);
        assertTrue(c.slots() >= 2 * 500 + 64, c.toString());
        assertTrue(c.bufferBytes() <= 4 << 20, "a 500-answer window needs no more than 4 MiB: " + c);
    }

    @Test
    void theLargestWindowWithTheLargestAnswersStopsAt64MiB() {
        // 10,000 in flight with 64 KiB answers once doubled an int past 2^31 to 0 and looped for ever
        PcapLink.Capture c = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> DnsResolveCommand.bulkCapture(10_000, 65_535));
        assertEquals(64 << 20, c.bufferBytes(), c.toString());
    }
}
