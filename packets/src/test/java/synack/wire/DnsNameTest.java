package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4343 name comparison, and records built from their rdata. */
class DnsNameTest {
    @Test
    void namesDifferingOnlyInTheCaseOfAsciiLettersAreTheSame() {
        assertTrue(DnsName.same("WWW.Synack.TEST.", "www.synack.test"));
        assertTrue(DnsName.same(".", ""));
        assertTrue(DnsName.same("\\065.test.", "a.TEST.")); // \065 is 'A': an escape is only another spelling
        assertFalse(DnsName.same("www.synack.test.", "ww.synack.test."));
        // only A-Z fold: octets above 0x7f (here Latin-1 É and é) are compared as they are
        assertFalse(DnsName.same("\\201.test.", "\\233.test."));
        assertFalse(DnsName.same("[.test.", "{.test.")); // 0x5b and 0x7b differ by 0x20 but are not letters
    }

    @Test
    void belowMeansLabelByLabelNotTheEndOfTheText() {
        assertTrue(DnsName.isAtOrBelow("WWW.Synack.TEST.", "synack.test."));
        assertTrue(DnsName.isAtOrBelow("synack.test.", "SYNACK.test"));
        assertTrue(DnsName.isAtOrBelow("anything.", "."));
        assertFalse(DnsName.isBelow("synack.test.", "synack.test."));
        assertTrue(DnsName.isBelow("www.synack.test.", "test."));
        assertFalse(DnsName.isAtOrBelow("test.", "synack.test."));
        assertFalse(DnsName.isAtOrBelow("xsynack.test.", "synack.test."));
        // one label "www.synack" in test.: its text ends in ".synack.test." but it is no name in synack.test.
        assertFalse(DnsName.isAtOrBelow("www\\.synack.test.", "synack.test."));
        assertTrue(DnsName.isAtOrBelow("www\\.synack.test.", "test."));
    }

    @Test
    void aRecordBuiltFromItsRdataReadsBackTypedAndAsDigShowsIt() throws MalformedFrameException {
        DnsMessage.Record a = DnsMessage.Record.a("www.synack.test", 300, Ip4.parse("198.18.2.2"));
        assertEquals("www.synack.test.", a.name());
        assertEquals("198.18.2.2", a.rdataText());
        assertEquals(Ip4.parse("198.18.2.2"), a.address());
        DnsMessage.Record ns = DnsMessage.Record.pointing("Synack.TEST.", DnsType.NS, 3600, "NS1.synack.test");
        assertEquals("NS1.synack.test.", ns.target());
        assertEquals("NS1.synack.test.", ns.rdataText());
        assertThrows(IllegalStateException.class, ns::address);
        assertThrows(IllegalStateException.class, a::target);
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.Record.of("x.test.", DnsType.A, 1, new byte[3]));
        // and they travel: written into a message and parsed back, equal
        DnsMessage q = DnsMessage.query(7, "synack.test", DnsType.NS, false, 0);
        DnsMessage m = new DnsMessage(7, DnsMessage.QR, q.questions(), List.of(ns), List.of(), List.of(a));
        DnsMessage back = DnsMessage.parse(m.toBytes());
        assertEquals(List.of(ns), back.answers());
        assertEquals(List.of(a), back.additional());
    }
}
