package synack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
    /** Hex with whitespace and "# comments" allowed, so each message below can be read field by field. */
    static byte[] hex(String annotated) {
        return HexFormat.of().parseHex(annotated.replaceAll("#[^\n]*", "").replaceAll("\\s", ""));
    }

    /** A reply as dnsmasq would send it: one A record, the owner name a pointer to the question, EDNS 1232. */
    static final String A_REPLY = """
            1a2b 8580 0001 0001 0000 0001                # id, qr aa rd ra NOERROR, 1 question 1 answer 1 additional
            03 777777 06 73796e61636b 04 74657374 00     # @12 www.synack.test.
            0001 0001                                    #     A IN
            c00c 0001 0001 0000012c 0004 c6120202        # @33 www.synack.test. 300 IN A 198.18.2.2
            00 0029 04d0 00000000 0000                   # @49 OPT udp 1232
            """;

    /** Every record type the codec presents, compressed the way servers do it, including inside rdata. */
    static final String ZOO = """
            beef 8580 0001 000a 0001 0001                # qr aa rd ra, 1 question, 10 answers, 1 authority, 1 additional
            06 73796e61636b 04 74657374 00 00ff 0001     # @12 synack.test. ANY IN
            c00c 0001 0001 0000012c 0004 c6120202        # @29 A 198.18.2.2
            c00c 001c 0001 0000012c 0010 20010db8000000000000000000000002  # @45 AAAA 2001:db8::2
            c00c 0002 0001 00000e10 0006 03 6e7331 c00c  # @73 NS ns1.synack.test. (ns1 label @85)
            03 776562 c00c 0005 0001 0000012c 0006       # @91 web.synack.test. CNAME
                 03 777777 c00c                          #     www.synack.test. (www label @107 = 0x6b)
            c00c 000f 0001 0000012c 0009 000a 04 6d61696c c00c   # @113 MX 10 mail.synack.test.
            c00c 0010 0001 0000012c 0011                 # @134 TXT, two strings
                 0c 763d73796e61636b206c6162             #     "v=synack lab"
                 03 612262                               #     "a\\"b"
            01 32 01 32 02 3138 03 313938 07 696e2d61646472 04 61727061 00  # @163 2.2.18.198.in-addr.arpa.
                 000c 0001 0000012c 0002 c06b            #     PTR www.synack.test.
            05 5f68747470 04 5f746370 c00c               # @200 _http._tcp.synack.test.
                 0021 0001 0000012c 0008 0000 0005 0050 c06b   # SRV 0 5 80 www.synack.test.
            c00c 0101 0001 0000012c 0016 00 05 6973737565      # @231 CAA 0 issue
                 6c657473656e63727970742e6f7267          #     "letsencrypt.org"
            c00c ff00 0001 0000012c 0004 0a000001        # @265 TYPE65280 (private use), unknown to us
            c00c 0006 0001 00000e10 0023 c055            # @281 SOA ns1.synack.test.
                 0a 686f73746d6173746572 c00c            #     hostmaster.synack.test.
                 78a53035 00000e10 00000384 00127500 0000012c  # 2024091701 3600 900 1209600 300
            00 0029 04d0 00008000 0000                   # @328 OPT udp 1232, DO
            """;

    @Test
    void dnssecAndServiceBindingRecordsHaveTheirPresentationFormats() {
        // RFC 4034 and RFC 9460 presentation, as dig +nosplit prints them
        assertEquals("60485 13 2 DEADBEEF", DnsMessage.Record.of("signed.", DnsType.DS, 60, hex("ec45 0d 02 deadbeef")).rdataText());
        assertEquals("257 3 13 AQID", DnsMessage.Record.of("signed.", DnsType.DNSKEY, 60, hex("0101 03 0d 010203")).rdataText());
        assertEquals("A 13 2 300 20270101000000 20261202000000 60485 signed. AQID", DnsMessage.Record.of("www.signed.",
                DnsType.RRSIG, 60, hex("0001 0d 02 0000012c 6b36ec80 6b0f5f80 ec45 06 7369676e6564 00 010203")).rdataText());
        // next name, then window 0: A(1) NS(2) SOA(6) MX(15), window 0 byte 5/6: RRSIG(46) NSEC(47) DNSKEY(48), HTTPS(65)
        assertEquals("www.signed. A NS SOA MX RRSIG NSEC DNSKEY HTTPS", DnsMessage.Record.of("signed.", DnsType.NSEC, 60,
                hex("03 777777 06 7369676e6564 00 0009 6201 0000 00 0380 0040")).rdataText());
        assertEquals("1 . alpn=\"h2,h3\" port=8443 ipv4hint=198.18.2.22", DnsMessage.Record.of("www.signed.", DnsType.HTTPS, 60,
                hex("0001 00 0001 0006 026832 026833 0003 0002 20fb 0004 0004 c6120216")).rdataText());
        assertEquals("0 www.signed.", DnsMessage.Record.of("alias.signed.", DnsType.HTTPS, 60,
                hex("0000 03 777777 06 7369676e6564 00")).rdataText());
        assertEquals("1 ns3.signed. mandatory=alpn,port alpn=\"dot\" port=853", DnsMessage.Record.of("_dns.signed.", DnsType.SVCB,
                60, hex("0001 03 6e7333 06 7369676e6564 00 0000 0004 0001 0003 0001 0004 03 646f74 0003 0002 0355")).rdataText());
        for (String t : new String[] {"DS", "RRSIG", "NSEC", "DNSKEY", "SVCB", "HTTPS", "CDS", "CDNSKEY"}) {
            assertEquals(t, DnsType.name(DnsType.parse(t.toLowerCase(java.util.Locale.ROOT))));
        }
    }

    @Test
    void queryRoundTripsThroughTheWire() throws MalformedFrameException {
        DnsMessage q = DnsMessage.query(0x1a2b, "www.synack.test", DnsType.A, true, 1232);
        byte[] wire = q.toBytes();
        assertArrayEquals(hex("""
                1a2b 0100 0001 0000 0000 0001
                03 777777 06 73796e61636b 04 74657374 00 0001 0001
                00 0029 04d0 00000000 0000
                """), wire);
        DnsMessage back = DnsMessage.parse(wire);
        assertEquals(q, back);
        assertEquals(0x1a2b, back.id());
        assertTrue(back.rd());
        assertFalse(back.qr());
        assertEquals(List.of(new DnsMessage.Question("www.synack.test.", DnsType.A, DnsType.IN)), back.questions());
        assertEquals(1232, back.ednsUdpSize());
        assertEquals("rd", back.flagNames());
        assertEquals("DNS query 0x1a2b A www.synack.test. (rd)", back.describe().summary());
        assertEquals("dns", back.describe().name());
    }

    @Test
    void queryTakesNamesWithOrWithoutTheTrailingDot() {
        assertEquals(DnsMessage.query(7, "synack.test.", DnsType.MX, false, 0),
                DnsMessage.query(7, "synack.test", DnsType.MX, false, 0));
        DnsMessage root = DnsMessage.query(7, ".", DnsType.NS, false, 0);
        assertEquals(".", root.questions().get(0).name());
        assertEquals(-1, root.ednsUdpSize());
        assertEquals(17, root.toBytes().length); // header, the root's single zero, type and class
    }

    @Test
    void queryRejectsLabelsAndNamesThatDoNotFit() {
        String label63 = "a".repeat(63);
        DnsMessage.query(1, label63 + ".test", DnsType.A, true, 0); // 63 is allowed
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> DnsMessage.query(1, "a".repeat(64) + ".test", DnsType.A, true, 0));
        assertTrue(label.getMessage().contains("longer than 63"), label.getMessage());
        String name253 = String.join(".", label63, label63, label63, "a".repeat(61)); // 255 octets on the wire
        DnsMessage.query(1, name253, DnsType.A, true, 0);
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> DnsMessage.query(1, name253 + "a", DnsType.A, true, 0));
        assertTrue(name.getMessage().contains("exceeds 255"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.query(1, "a..test", DnsType.A, true, 0));
        DnsMessage bad = new DnsMessage(1, 0, List.of(new DnsMessage.Question("x".repeat(64) + ".", 1, 1)),
                List.of(), List.of(), List.of());
        assertThrows(IllegalArgumentException.class, bad::toBytes);
    }

    @Test
    void aReplyDecodesAndReencodesToTheSameBytes() throws MalformedFrameException {
        byte[] wire = hex(A_REPLY);
        DnsMessage m = DnsMessage.parse(wire);
        assertTrue(m.qr() && m.aa() && m.rd() && m.ra());
        assertFalse(m.tc());
        assertEquals("qr aa rd ra", m.flagNames());
        assertEquals("NOERROR", m.rcodeName());
        assertEquals(1232, m.ednsUdpSize());
        DnsMessage.Record a = m.answers().get(0);
        assertEquals("www.synack.test.", a.name());
        assertEquals(300, a.ttl());
        assertEquals("198.18.2.2", a.rdataText());
        assertEquals("www.synack.test. 300 IN A 198.18.2.2", a.toString());
        assertEquals("DNS answer 0x1a2b NOERROR (qr aa rd ra) 1 answer, 0 authority, 1 additional",
                m.describe().summary());
        assertArrayEquals(wire, m.toBytes()); // the owner name compresses to the same pointer
    }

    @Test
    void everyTypeDecodesToDigsPresentationForm() throws MalformedFrameException {
        DnsMessage m = DnsMessage.parse(hex(ZOO));
        assertEquals(0xbeef, m.id());
        List<String> texts = m.answers().stream().map(DnsMessage.Record::rdataText).toList();
        assertEquals(List.of(
                "198.18.2.2",
                "2001:db8::2",
                "ns1.synack.test.",
                "www.synack.test.",
                "10 mail.synack.test.",
                "\"v=synack lab\" \"a\\\"b\"",
                "www.synack.test.",
                "0 5 80 www.synack.test.",
                "0 issue \"letsencrypt.org\"",
                "\\# 4 0A000001"), texts);
        List<String> owners = m.answers().stream().map(DnsMessage.Record::name).toList();
        assertEquals("web.synack.test.", owners.get(3));
        assertEquals("2.2.18.198.in-addr.arpa.", owners.get(6));
        assertEquals("_http._tcp.synack.test.", owners.get(7));
        assertEquals(DnsType.CAA, m.answers().get(8).type());
        assertEquals("TYPE65280", DnsType.name(m.answers().get(9).type()));
        DnsMessage.Record soa = m.authority().get(0);
        assertEquals("ns1.synack.test. hostmaster.synack.test. 2024091701 3600 900 1209600 300", soa.rdataText());
        assertEquals("udp=1232 version=0 do", m.additional().get(0).rdataText());
        assertEquals(m.answers().size() + 2, m.records().size());
        assertEquals(m.answers().get(0), m.records().get(0));
        assertEquals(soa, m.records().get(10));
        assertEquals("DNS answer 0xbeef NOERROR (qr aa rd ra) 10 answers, 1 authority, 1 additional",
                m.describe().summary());
    }

    @Test
    void namesInsideRdataAreStoredUncompressedSoTheRecordCanMove() throws MalformedFrameException {
        DnsMessage m = DnsMessage.parse(hex(ZOO));
        DnsMessage.Record cname = m.answers().get(3);
        assertArrayEquals(hex("03 777777 06 73796e61636b 04 74657374 00"), cname.rdata());
        DnsMessage.Record mx = m.answers().get(4);
        assertArrayEquals(hex("000a 04 6d61696c 06 73796e61636b 04 74657374 00"), mx.rdata());
        // written out again (owner names compressed anew) and read back, nothing changes
        byte[] again = m.toBytes();
        assertEquals(m, DnsMessage.parse(again));
        assertTrue(again.length > hex(ZOO).length, "rdata names are no longer compressed");
    }

    @Test
    void describeListsTheSectionsInDigsLayout() throws MalformedFrameException {
        Map<String, Object> f = DnsMessage.parse(hex(ZOO)).describe().fields();
        assertEquals(List.of("id", "opcode", "flags", "rcode", "question", "answer", "authority", "additional", "edns"),
                List.copyOf(f.keySet()));
        assertEquals("0xbeef", f.get("id"));
        assertEquals(List.of("synack.test. IN ANY"), f.get("question"));
        assertEquals("synack.test. 300 IN MX 10 mail.synack.test.", ((List<?>) f.get("answer")).get(4));
        assertEquals(List.of(), f.get("additional")); // the OPT is shown as "edns", not as data
        assertEquals("udp=1232 version=0 do", f.get("edns"));
    }

    @Test
    void aaaaFollowsRfc5952() {
        assertEquals("2001:db8::2", v6("20010db8000000000000000000000002"));
        assertEquals("::", v6("00000000000000000000000000000000"));
        assertEquals("::1", v6("00000000000000000000000000000001"));
        assertEquals("fe80::", v6("fe800000000000000000000000000000"));
        assertEquals("2001:db8:0:1:1:1:1:1", v6("20010db8000000010001000100010001")); // one zero group stays
        assertEquals("2001:0:0:1::1", v6("20010000000000010000000000000001")); // the longer run wins
        assertEquals("2001:db8::1:0:0:1", v6("20010db8000000000001000000000001")); // first of equal runs
        assertEquals("::ffff:198.18.2.2", v6("00000000000000000000ffffc6120202"));
    }

    static String v6(String hex) {
        return DnsMessage.ipv6(HexFormat.of().parseHex(hex), 0);
    }

    @Test
    void odditiesInLabelsAndStringsAreEscapedAndSurviveAgain() throws MalformedFrameException {
        byte[] wire = hex("""
                0001 8400 0000 0001 0000 0000
                04 612e2062 04 74657374 00 0010 0001 00000000 0006   # "a. b.test." TXT
                05 0122225c7f                                      # \\001, two quotes, backslash, DEL
                """);
        DnsMessage m = DnsMessage.parse(wire);
        DnsMessage.Record txt = m.answers().get(0);
        assertEquals("a\\.\\032b.test.", txt.name());
        assertEquals("\"\\001\\\"\\\"\\\\\\127\"", txt.rdataText());
        assertArrayEquals(wire, m.toBytes()); // the escaped name encodes to the original octets
    }

    @Test
    void flagsOpcodeAndRcodeDecode() throws MalformedFrameException {
        DnsMessage nx = DnsMessage.parse(hex("0001 8183 0000 0000 0000 0000"));
        assertEquals(3, nx.rcode());
        assertEquals("NXDOMAIN", nx.rcodeName());
        assertEquals("qr rd ra", nx.flagNames());
        assertEquals(0, nx.opcode());
        assertEquals("DNS answer 0x0001 NXDOMAIN (qr rd ra) 0 answers, 0 authority, 0 additional", nx.describe().summary());

        DnsMessage all = DnsMessage.parse(hex("0001 87b5 0000 0000 0000 0000"));
        assertEquals("qr aa tc rd ra ad cd", all.flagNames());
        assertTrue(all.tc());
        assertEquals("REFUSED", all.rcodeName());

        DnsMessage update = DnsMessage.parse(hex("0001 2800 0000 0000 0000 0000"));
        assertEquals(5, update.opcode());
        assertEquals("DNS UPDATE query 0x0001 (no question)", update.describe().summary());

        assertEquals("RCODE 12", DnsMessage.parse(hex("0001 800c 0000 0000 0000 0000")).rcodeName());
        for (int rcode = 0; rcode <= 5; rcode++) {
            String name = DnsMessage.parse(hex("0001 80 0" + rcode + " 0000 0000 0000 0000")).rcodeName();
            assertEquals(List.of("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED").get(rcode), name);
        }
    }

    @Test
    void extendedRcodeComesFromTheOptRecord() throws MalformedFrameException {
        // header rcode 0 plus OPT's upper 8 bits 1: 16, BADVERS (RFC 6891 section 6.1.3)
        DnsMessage badvers = DnsMessage.parse(hex("0001 8000 0000 0000 0000 0001  00 0029 0200 01000000 0000"));
        assertEquals(16, badvers.rcode());
        assertEquals("BADVERS", badvers.rcodeName());
        assertEquals(512, badvers.ednsUdpSize());
        assertEquals("udp=512 version=0 ext-rcode=1", badvers.additional().get(0).rdataText());
        // BADCOOKIE: 23 = 1 << 4 | 7, with a cookie option in the OPT
        DnsMessage cookie = DnsMessage.parse(hex(
                "0001 8007 0000 0000 0000 0001  00 0029 04d0 01000000 000c 000a 0008 0102030405060708"));
        assertEquals("BADCOOKIE", cookie.rcodeName());
        assertEquals("udp=1232 version=0 ext-rcode=1 cookie=0102030405060708", cookie.additional().get(0).rdataText());
        // without OPT the same header bits are just YXRRSET
        assertEquals("YXRRSET", DnsMessage.parse(hex("0001 8007 0000 0000 0000 0000")).rcodeName());
    }

    @Test
    void typeNamesParseEitherCaseAndInGenericForm() {
        assertEquals(DnsType.A, DnsType.parse("a"));
        assertEquals(DnsType.AAAA, DnsType.parse("AAAA"));
        assertEquals(DnsType.CAA, DnsType.parse("caa"));
        assertEquals(65, DnsType.parse("TYPE65"));
        assertEquals(65, DnsType.parse("type65"));
        assertEquals("HTTPS", DnsType.name(65));
        assertEquals(65280, DnsType.parse("type65280"));
        assertEquals("TYPE65280", DnsType.name(65280));
        for (int t : new int[] {1, 2, 5, 6, 12, 15, 16, 28, 33, 41, 255, 257}) {
            assertEquals(t, DnsType.parse(DnsType.name(t)));
        }
        for (String bad : new String[] {"bogus", "TYPE", "TYPE65536", "TYPE-1", "", " A"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsType.parse(bad));
            assertEquals("unknown record type: " + bad, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- hostile input

    static void malformed(String expected, byte[] message) {
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> DnsMessage.parse(message));
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }

    static void malformed(String expected, String annotatedHex) {
        malformed(expected, hex(annotatedHex));
    }

    @Test
    void headerShorterThan12Bytes() {
        malformed("DNS message of 11 bytes is shorter than its 12-byte header", hex("1a2b 8580 0001 0001 0000 00"));
        malformed("DNS message of 0 bytes", new byte[0]);
    }

    @Test
    void compressionPointerForwardOrIntoItself() {
        malformed("compression pointer at offset 12 points forward to 32", "0001 0000 0001 0000 0000 0000  c020 0001 0001");
        malformed("compression pointer at offset 12 points into itself", "0001 0000 0001 0000 0000 0000  c00c 0001 0001");
        // "a" then a pointer back to the "a": a loop that never reaches the root
        malformed("compression pointer at offset 14 points back into its own name (12)",
                "0001 0000 0001 0000 0000 0000  01 61 c00c 0001 0001");
        malformed("compression pointer at offset 12 points", "0001 0000 0001 0000 0000 0000  c00c");
        // a later name may point back into an earlier one, but not into the labels before the pointer itself
        malformed("compression pointer at offset 21 points back into its own name (19)", """
                0001 8000 0001 0001 0000 0000
                01 61 00 0001 0001                   # @12 a.
                01 62 c013 0001 0001 00000000 0000   # @19 b. then a pointer to 19: b.b.b.b...
                """);
    }

    @Test
    void compressionPointerIntoTheHeaderOrCutOff() {
        malformed("compression pointer at offset 12 points into the header (4)", "0001 0000 0001 0000 0000 0000  c004 0001 0001");
        malformed("compression pointer at offset 12 is cut off", "0001 0000 0001 0000 0000 0000  c0");
    }

    @Test
    void aNameMayFollowAtMost128Pointers() throws MalformedFrameException {
        malformed("name at offset 291 follows more than 128 compression pointers", pointerChain(130));
        DnsMessage ok = DnsMessage.parse(pointerChain(127)); // 127 hops through the chain plus the owner's own
        assertEquals("a.", ok.answers().get(1).name());
    }

    /**
     * Question "a." at 12; an unknown-type record whose rdata is a chain of pointers, each pointing at the one
     * before it (the first at the question); then a record whose owner is a pointer to the last link.
     */
    static byte[] pointerChain(int links) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(hex("0001 8000 0001 0002 0000 0000  01 61 00 0001 0001  c00c ff00 0001 00000000"));
        b.write((links * 2) >>> 8);
        b.write(links * 2);
        int first = 31;
        for (int i = 0; i < links; i++) {
            int target = i == 0 ? 12 : first + 2 * (i - 1);
            b.write(0xc0 | target >>> 8);
            b.write(target);
        }
        int last = first + 2 * (links - 1);
        b.write(0xc0 | last >>> 8);
        b.write(last);
        b.writeBytes(hex("0001 0001 00000000 0004 01020304"));
        return b.toByteArray();
    }

    @Test
    void nameLongerThan255Octets() {
        StringBuilder q = new StringBuilder("0001 0000 0001 0000 0000 0000");
        for (int i = 0; i < 5; i++) {
            q.append(" 3f").append("61".repeat(63));
        }
        malformed("name at offset 12 exceeds 255 octets", q.append(" 00 0001 0001").toString());
        // also when the octets come by way of a pointer: 4 x 63 at 12, then "bb" + pointer = 258 octets
        StringBuilder viaPointer = new StringBuilder("0001 8000 0001 0001 0000 0000");
        for (int i = 0; i < 3; i++) {
            viaPointer.append(" 3f").append("61".repeat(63));
        }
        viaPointer.append(" 3c").append("61".repeat(60)).append(" 00 0001 0001"); // 253 octets, fine
        viaPointer.append(" 02 6262 c00c 0001 0001 00000000 0004 01020304");
        malformed("exceeds 255 octets", viaPointer.toString());
    }

    @Test
    void recordRunningPastTheEnd() {
        malformed("record at offset 33 runs past the end (rdlength 300", """
                1a2b 8580 0001 0001 0000 0000
                03 777777 06 73796e61636b 04 74657374 00 0001 0001
                c00c 0001 0001 0000012c 012c c6120202
                """);
        malformed("record at offset 33 is cut short: 6 of 10 bytes", """
                1a2b 8580 0001 0001 0000 0000
                03 777777 06 73796e61636b 04 74657374 00 0001 0001
                c00c 0001 0001 0000
                """);
        malformed("question at offset 12 is cut short: 2 of 4 bytes", """
                1a2b 8580 0001 0000 0000 0000
                03 777777 06 73796e61636b 04 74657374 00 0001
                """);
        malformed("label at offset 23 (length 20) runs past the end of the message", """
                1a2b 8580 0001 0000 0000 0000
                03 777777 06 73796e61636b 14 74657374 00 0001 0001
                """);
    }

    @Test
    void countsLargerThanTheMessage() {
        malformed("header counts 5 answers but the message ends after 2", """
                1a2b 8580 0001 0005 0000 0000
                03 777777 06 73796e61636b 04 74657374 00 0001 0001
                c00c 0001 0001 0000012c 0004 c6120202
                c00c 0001 0001 0000012c 0004 c6120203
                """);
        malformed("header counts 2 questions but the message ends after 1",
                "0001 0000 0002 0000 0000 0000  00 0001 0001");
        malformed("header counts 1 additional record but the message ends after 0", "0001 8000 0000 0000 0000 0001");
        malformed("header counts 65535 authority records but the message ends after 0", "0001 8000 0000 0000 ffff 0000");
    }

    @Test
    void namesInsideRdataMustEndInsideIt() {
        String head = """
                1a2b 8580 0001 0001 0000 0000
                03 777777 06 73796e61636b 04 74657374 00 0005 0001   # @12 www.synack.test. CNAME
                """;
        // rdlength 4 covers "www" but not the pointer that follows: the name would spill out of the rdata
        malformed("name at offset 45 runs past the end of the rdata of the CNAME record at offset 33",
                head + "c00c 0005 0001 0000012c 0004 03 777777 c00c");
        malformed("compression pointer at offset 49 is cut off", head + "c00c 0005 0001 0000012c 0005 03 777777 c00c");
        malformed("label at offset 45 (length 3) runs past the end of the rdata of the CNAME record at offset 33",
                head + "c00c 0005 0001 0000012c 0002 03 777777 00");
        malformed("CNAME record at offset 33 has 2 stray bytes", head + "c00c 0005 0001 0000012c 0004 c00c 0000");
        malformed("compression pointer at offset 47 points forward to 60",
                head + "c00c 000f 0001 0000012c 0004 000a c03c");
        malformed("compression pointer at offset 45 points into itself", head + "c00c 0002 0001 0000012c 0002 c02d");
        malformed("SOA record at offset 33 has 19 bytes after its names",
                head + "c00c 0006 0001 0000012c 0017 c00c c00c" + " 00".repeat(19));
        malformed("label at offset 51 (length 3) runs past the end of the rdata of the SRV record at offset 33",
                head + "c00c 0021 0001 0000012c 0007 0000 0000 0000 03 777777 00");
        malformed("SRV record at offset 33 has rdlength 6, too short", head + "c00c 0021 0001 0000012c 0006 0000 0000 0000");
        malformed("MX record at offset 33 has rdlength 2", head + "c00c 000f 0001 0000012c 0002 000a");
    }

    @Test
    void otherRdataThatDoesNotAddUp() {
        String head = "0001 8000 0000 0001 0000 0000 ";
        malformed("A record at offset 12 has rdlength 5, not 4", head + "00 0001 0001 00000000 0005 0102030405");
        malformed("AAAA record at offset 12 has rdlength 4, not 16", head + "00 001c 0001 00000000 0004 01020304");
        malformed("TXT string at offset 23 (length 9) runs past the end", head + "00 0010 0001 00000000 0004 09616263");
        malformed("CAA record at offset 12 has a tag length of 9", head + "00 0101 0001 00000000 0004 0009 6162");
        malformed("label at offset 12 has type 0x40", head + "41 00 0001 0001 00000000 0000");
        malformed("OPT record at offset 12 is outside the additional section", head + "00 0029 0200 00000000 0000");
        malformed("second OPT record at offset 23", "0001 8000 0000 0000 0000 0002  00 0029 0200 00000000 0000"
                + " 00 0029 0200 00000000 0000");
        malformed("EDNS option 10 at offset 23 of the OPT record at offset 12 runs past the end of its rdata",
                "0001 8000 0000 0000 0000 0001  00 0029 0200 00000000 0006 000a 0008 0102");
        malformed("OPT record at offset 12 is owned by a., not the root",
                "0001 8000 0000 0000 0000 0001  01 61 00 0029 0200 00000000 0000");
    }

    @Test
    void aBulkQueryIsByteForByteTheMessagesEncoding() {
        for (String name : List.of("www.synack.test", "WWW.Synack.Test.", ".", "a\\.b.test", "x\\065y.test")) {
            for (int edns : new int[] {0, 512, 1232, 65535}) {
                for (boolean rd : new boolean[] {true, false}) {
                    assertArrayEquals(DnsMessage.query(0xbeef, name, DnsType.AAAA, rd, edns).toBytes(),
                            DnsMessage.queryBytes(0xbeef, name, DnsType.AAAA, rd, edns), name + " edns " + edns + " rd " + rd);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.queryBytes(1, "a..b", DnsType.A, true, 0));
    }
}
