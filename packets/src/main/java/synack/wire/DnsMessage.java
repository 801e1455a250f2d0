package synack.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;

/**
 * A DNS message (RFC 1035 section 4) with EDNS(0) (RFC 6891): header, questions and the three record sections.
 *
 * <p>Parsing treats every byte as hostile: compression pointers may only jump backwards, to before the piece of
 * name that holds them, and at most {@value #MAX_POINTERS} times per name; every length is checked against the
 * message (or the rdata) before it is used. Any problem is a {@link MalformedFrameException} saying what and where.
 *
 * <p>Names are kept in presentation form, absolute with a trailing dot, case as received, with dig's escapes
 * ({@code \.}, {@code \\}, {@code \DDD}) for octets that are not plain printable ASCII.
 */
public record DnsMessage(int id, int flags, List<Question> questions, List<Record> answers, List<Record> authority,
                         List<Record> additional) {
    public static final int HEADER_LENGTH = 12;
    public static final int QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080, AD = 0x0020, CD = 0x0010;
    /** A 255-octet name has at most 127 labels, so more pointers than that can only be a loop or an attack. */
    static final int MAX_POINTERS = 128;
    static final int MAX_NAME = 255;
    static final int MAX_LABEL = 63;

    public record Question(String name, int type, int klass) {
        @Override
        public String toString() {
            return name + " " + DnsType.className(klass) + " " + DnsType.name(type);
        }
    }

    /**
     * One resource record. rdataText is the presentation form as dig prints it: A "198.18.2.2", AAAA "2001:db8::2"
     * (RFC 5952 compressed), NS/CNAME/PTR "www.synack.test.", MX "10 mail.synack.test.", TXT "\"v=synack lab\""
     * (each string quoted, space separated), SOA "mname. rname. serial refresh retry expire minimum",
     * SRV "0 5 80 www.synack.test.", CAA "0 issue \"letsencrypt.org\"", OPT "udp=1232 version=0 ...",
     * others "\\# len hex" (RFC 3597). Names are absolute with a trailing dot; the root is ".".
     *
     * <p>Parsed rdata holds its names uncompressed, so a record can be written into another message as it is.
     * For OPT, klass is the requestor's UDP payload size and ttl carries extended rcode, version and DO.
     */
    public record Record(String name, int type, int klass, long ttl, byte[] rdata, String rdataText) {
        // arrays compare by identity in a record's generated methods; two records with the same bytes are equal
        @Override
        public boolean equals(Object o) {
            return o instanceof Record r && r.type == type && r.klass == klass && r.ttl == ttl && r.name.equals(name)
                    && Arrays.equals(r.rdata, rdata) && Objects.equals(r.rdataText, rdataText);
        }

        @Override
        public int hashCode() {
            return ((name.hashCode() * 31 + type) * 31 + klass) * 31 + Arrays.hashCode(rdata);
        }

        /**
         * A record of class IN built from its rdata in wire form (names in it uncompressed); the presentation text
         * is decoded from those bytes, so the two cannot disagree. Rdata that does not decode is an IllegalArgumentException.
         */
        public static Record of(String owner, int type, long ttl, byte[] rdata) {
            if (type == DnsType.OPT) {
                throw new IllegalArgumentException("an OPT record is built with DnsMessage.query, not as data");
            }
            String name = absolute(owner);
            encodeName(name); // throws for a bad owner now
            Out out = new Out(Math.max(16, rdata.length));
            try {
                String text = new Parser(rdata).rdata(type, 0, rdata.length, DnsType.name(type) + " rdata", out);
                return new Record(name, type, DnsType.IN, ttl, out.toArray(), text);
            } catch (MalformedFrameException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        /** An A record. */
        public static Record a(String owner, long ttl, int address) {
            byte[] rdata = new byte[4];
            Ip4.write(address, rdata, 0);
            return of(owner, DnsType.A, ttl, rdata);
        }

        /** A record whose rdata is one name: NS, CNAME or PTR. */
        public static Record pointing(String owner, int type, long ttl, String target) {
            if (type != DnsType.NS && type != DnsType.CNAME && type != DnsType.PTR) {
                throw new IllegalArgumentException(DnsType.name(type) + " rdata is not one name");
            }
            return of(owner, type, ttl, encodeName(absolute(target)));
        }

        /** The IPv4 address an A record holds, read from its rdata. */
        public int address() {
            if (type != DnsType.A || rdata.length != 4) {
                throw new IllegalStateException(DnsType.name(type) + " record " + name + " holds no IPv4 address");
            }
            return Ip4.read(rdata, 0);
        }

        /** The name an NS, CNAME or PTR record points to (absolute, in presentation form), read from its rdata. */
        public String target() {
            if (type != DnsType.NS && type != DnsType.CNAME && type != DnsType.PTR) {
                throw new IllegalStateException(DnsType.name(type) + " record " + name + " does not point to a name");
            }
            try {
                return new Parser(rdata).name(0, rdata.length, "rdata of " + name).text();
            } catch (MalformedFrameException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** One line the way dig lays out a record: owner, TTL, class, type, data. */
        @Override
        public String toString() {
            if (type == DnsType.OPT) {
                return name + " OPT " + rdataText;
            }
            return name + " " + ttl + " " + DnsType.className(klass) + " " + DnsType.name(type) + " " + rdataText;
        }
    }

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }

    /** A standard query for one name and type in class IN, with an OPT record offering ednsUdpSize when above 0. */
    public static DnsMessage query(int id, String name, int type, boolean recursionDesired, int ednsUdpSize) {
        check(id, 0xffff, "id");
        check(type, 0xffff, "type");
        if (ednsUdpSize > 0xffff) {
            throw new IllegalArgumentException("EDNS UDP size " + ednsUdpSize + " does not fit in 16 bits");
        }
        String absolute = absolute(name);
        encodeName(absolute); // throws for over-long labels and names now, not later when sending
        List<Record> additional = ednsUdpSize > 0 ? List.of(opt(ednsUdpSize)) : List.of();
        return new DnsMessage(id, recursionDesired ? RD : 0, List.of(new Question(absolute, type, DnsType.IN)),
                List.of(), List.of(), additional);
    }

    /**
     * The bytes of {@code query(id, name, type, recursionDesired, ednsUdpSize).toBytes()}, written directly: what a
     * bulk run sends ten thousand times, without a message, its lists and its name table (one name: nothing to compress).
     */
    public static byte[] queryBytes(int id, String name, int type, boolean recursionDesired, int ednsUdpSize) {
        check(id, 0xffff, "id");
        check(type, 0xffff, "type");
        if (ednsUdpSize > 0xffff) {
            throw new IllegalArgumentException("EDNS UDP size " + ednsUdpSize + " does not fit in 16 bits");
        }
        byte[] wire = encodeName(absolute(name));
        byte[] b = new byte[12 + wire.length + 4 + (ednsUdpSize > 0 ? 11 : 0)];
        b[0] = (byte) (id >>> 8);
        b[1] = (byte) id;
        b[2] = (byte) (recursionDesired ? RD >>> 8 : 0);
        b[5] = 1; // QDCOUNT
        b[11] = (byte) (ednsUdpSize > 0 ? 1 : 0); // ARCOUNT: the OPT record
        System.arraycopy(wire, 0, b, 12, wire.length);
        int p = 12 + wire.length;
        b[p] = (byte) (type >>> 8);
        b[p + 1] = (byte) type;
        b[p + 3] = (byte) DnsType.IN;
        if (ednsUdpSize > 0) { // owner ".", TYPE OPT, CLASS = UDP size, TTL 0, RDLENGTH 0
            b[p + 5] = (byte) (DnsType.OPT >>> 8);
            b[p + 6] = (byte) DnsType.OPT;
            b[p + 7] = (byte) (ednsUdpSize >>> 8);
            b[p + 8] = (byte) ednsUdpSize;
        }
        return b;
    }

    /** An OPT pseudo-record (RFC 6891 section 6.1.2) with no options, version 0 and DO clear. */
    static Record opt(int udpSize) {
        return new Record(".", DnsType.OPT, udpSize, 0, new byte[0], optText(udpSize, 0, new byte[0], 0, 0));
    }

    // ---------------------------------------------------------------- header accessors

    public boolean qr() {
        return (flags & QR) != 0;
    }

    public boolean aa() {
        return (flags & AA) != 0;
    }

    public boolean tc() {
        return (flags & TC) != 0;
    }

    public boolean rd() {
        return (flags & RD) != 0;
    }

    public boolean ra() {
        return (flags & RA) != 0;
    }

    public int opcode() {
        return (flags >>> 11) & 0xf;
    }

    /** The full 12-bit rcode: 4 bits from the header and, with EDNS, 8 more from the OPT record's TTL. */
    public int rcode() {
        Record opt = opt();
        int extended = opt == null ? 0 : (int) ((opt.ttl() >>> 24) & 0xff);
        return (extended << 4) | (flags & 0xf);
    }

    public String rcodeName() {
        int rcode = rcode();
        return switch (rcode) {
            case 0 -> "NOERROR";
            case 1 -> "FORMERR";
            case 2 -> "SERVFAIL";
            case 3 -> "NXDOMAIN";
            case 4 -> "NOTIMP";
            case 5 -> "REFUSED";
            case 6 -> "YXDOMAIN";
            case 7 -> "YXRRSET";
            case 8 -> "NXRRSET";
            case 9 -> "NOTAUTH";
            case 10 -> "NOTZONE";
            case 16 -> "BADVERS";
            case 17 -> "BADKEY";
            case 18 -> "BADTIME";
            case 19 -> "BADMODE";
            case 20 -> "BADNAME";
            case 21 -> "BADALG";
            case 22 -> "BADTRUNC";
            case 23 -> "BADCOOKIE";
            default -> "RCODE " + rcode;
        };
    }

    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case 0 -> "QUERY";
            case 1 -> "IQUERY";
            case 2 -> "STATUS";
            case 4 -> "NOTIFY";
            case 5 -> "UPDATE";
            default -> "OPCODE" + opcode;
        };
    }

    /** The requestor's UDP payload size from the OPT record, or -1 when the message has no OPT. */
    public int ednsUdpSize() {
        Record opt = opt();
        return opt == null ? -1 : opt.klass();
    }

    /** The set header bits in dig's order and spelling, e.g. "qr aa rd ra". */
    public String flagNames() {
        StringBuilder sb = new StringBuilder();
        int[] bits = {QR, AA, TC, RD, RA, AD, CD};
        String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(names[i]);
            }
        }
        return sb.toString();
    }

    /** Answers, authority and additional records in wire order. */
    public List<Record> records() {
        List<Record> all = new ArrayList<>(answers.size() + authority.size() + additional.size());
        all.addAll(answers);
        all.addAll(authority);
        all.addAll(additional);
        return all;
    }

    private Record opt() {
        for (Record r : additional) {
            if (r.type() == DnsType.OPT) {
                return r;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- narration

    public String summary() {
        StringBuilder sb = new StringBuilder("DNS ");
        if (opcode() != 0) {
            sb.append(opcodeName(opcode())).append(' ');
        }
        String flagNames = flagNames();
        String flagPart = flagNames.isEmpty() ? "" : " (" + flagNames + ")";
        if (!qr()) {
            sb.append("query ").append(Hex.u16(id));
            if (questions.isEmpty()) {
                sb.append(" (no question)");
            } else {
                Question q = questions.get(0);
                sb.append(' ').append(DnsType.name(q.type())).append(' ').append(q.name());
                if (questions.size() > 1) {
                    sb.append(" and ").append(questions.size() - 1).append(" more");
                }
            }
            return sb.append(flagPart).toString();
        }
        sb.append("answer ").append(Hex.u16(id)).append(' ').append(rcodeName()).append(flagPart);
        sb.append(' ').append(answers.size()).append(answers.size() == 1 ? " answer, " : " answers, ");
        sb.append(authority.size()).append(" authority, ").append(additional.size()).append(" additional");
        return sb.toString();
    }

    public Layer describe() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", Hex.u16(id));
        f.put("opcode", opcodeName(opcode()));
        f.put("flags", flagNames());
        f.put("rcode", rcodeName());
        f.put("question", questions.stream().map(Question::toString).toList());
        f.put("answer", answers.stream().map(Record::toString).toList());
        f.put("authority", authority.stream().map(Record::toString).toList());
        // OPT is not data but the sender's EDNS parameters; dig shows it apart too ("OPT PSEUDOSECTION")
        f.put("additional", additional.stream().filter(r -> r.type() != DnsType.OPT).map(Record::toString).toList());
        Record opt = opt();
        if (opt != null) {
            f.put("edns", opt.rdataText());
        }
        return new Layer("dns", summary(), f);
    }

    // ---------------------------------------------------------------- building

    /** Header, questions and records. Owner names are compressed where repeated; rdata is written as stored. */
    public byte[] toBytes() {
        check(id, 0xffff, "id");
        check(flags, 0xffff, "flags");
        Out out = new Out(512);
        out.u16(id);
        out.u16(flags);
        for (List<?> section : List.of(questions, answers, authority, additional)) {
            check(section.size(), 0xffff, "section count");
            out.u16(section.size());
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Question q : questions) {
            writeName(out, q.name(), seen);
            out.u16(check(q.type(), 0xffff, "type"));
            out.u16(check(q.klass(), 0xffff, "class"));
        }
        for (Record r : records()) {
            writeName(out, r.name(), seen);
            out.u16(check(r.type(), 0xffff, "type"));
            out.u16(check(r.klass(), 0xffff, "class"));
            if (r.ttl() < 0 || r.ttl() > 0xffffffffL) {
                throw new IllegalArgumentException("TTL " + r.ttl() + " of " + r.name() + " does not fit in 32 bits");
            }
            out.u32(r.ttl());
            out.u16(check(r.rdata().length, 0xffff, "rdata length"));
            out.bytes(r.rdata(), 0, r.rdata().length);
        }
        return out.toArray();
    }

    private static int check(int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0-" + max);
        }
        return value;
    }

    private static void writeName(Out out, String name, Map<String, Integer> seen) {
        byte[] wire = encodeName(name);
        int p = 0;
        while (wire[p] != 0) {
            // the key is the uncompressed suffix from here on; equal suffixes are written once (RFC 1035 4.1.4)
            String suffix = new String(wire, p, wire.length - p, StandardCharsets.ISO_8859_1);
            Integer at = seen.get(suffix);
            if (at != null) {
                out.u16(0xc000 | at);
                return;
            }
            if (out.length() < 0x4000) { // a pointer has 14 bits of offset
                seen.put(suffix, out.length());
            }
            out.bytes(wire, p, 1 + wire[p]);
            p += 1 + wire[p];
        }
        out.u8(0);
    }

    /** Adds the trailing dot unless there is one; "a\." ends in an escaped dot, which is part of the label. */
    public static String absolute(String name) {
        if (name.isEmpty()) {
            return ".";
        }
        int backslashes = 0;
        for (int i = name.length() - 2; i >= 0 && name.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return name.endsWith(".") && backslashes % 2 == 0 ? name : name + ".";
    }

    /**
     * A name in presentation form to its uncompressed wire form. Accepts dig's escapes, with or without the
     * trailing dot; an empty label, a label over 63 octets or a name over 255 octets is an IllegalArgumentException.
     */
    static byte[] encodeName(String name) {
        if (name.isEmpty() || name.equals(".")) {
            return new byte[] {0};
        }
        byte[] wire = new byte[MAX_NAME + 64]; // room to notice an over-long name before saying so
        int n = 0;
        int labelStart = 0;
        int i = 0;
        boolean labelOpen = false;
        while (i < name.length()) {
            char c = name.charAt(i++);
            if (c == '.') {
                if (!labelOpen) {
                    throw new IllegalArgumentException("empty label in name " + name);
                }
                labelOpen = false;
                continue;
            }
            if (!labelOpen) {
                labelOpen = true;
                labelStart = n;
                if (n >= MAX_NAME) {
                    throw new IllegalArgumentException("name " + name + " exceeds 255 octets");
                }
                wire[n++] = 0;
            }
            int octet;
            if (c == '\\') {
                if (i >= name.length()) {
                    throw new IllegalArgumentException("name " + name + " ends in a lone backslash");
                }
                char e = name.charAt(i);
                if (e >= '0' && e <= '9') {
                    if (i + 3 > name.length() || !isDigits(name, i, 3)) {
                        throw new IllegalArgumentException("bad \\DDD escape in name " + name);
                    }
                    octet = Integer.parseInt(name.substring(i, i + 3));
                    if (octet > 255) {
                        throw new IllegalArgumentException("escape \\" + octet + " in name " + name + " is over 255");
                    }
                    i += 3;
                } else {
                    octet = e;
                    i++;
                }
            } else if (c > 0x7f) {
                // an escape may carry any octet, but a bare character must be ASCII: IDNs go on the wire as punycode
                throw new IllegalArgumentException("name " + name + " has a non-ASCII character; use its punycode form");
            } else {
                octet = c;
            }
            int labelLength = n - labelStart; // octets so far including the new one
            if (labelLength > MAX_LABEL) {
                throw new IllegalArgumentException("label in name " + name + " is longer than 63 octets");
            }
            if (n >= MAX_NAME) {
                throw new IllegalArgumentException("name " + name + " exceeds 255 octets");
            }
            wire[labelStart] = (byte) labelLength;
            wire[n++] = (byte) octet;
        }
        if (n + 1 > MAX_NAME) {
            throw new IllegalArgumentException("name " + name + " exceeds 255 octets");
        }
        wire[n++] = 0;
        return Arrays.copyOf(wire, n);
    }

    private static boolean isDigits(String s, int from, int count) {
        for (int k = from; k < from + count; k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- parsing

    public static DnsMessage parse(byte[] message) throws MalformedFrameException {
        return new Parser(message).message();
    }

    /** Questions a message may carry and still pass {@link #parseStrictly}: one in practice (RFC 9619), a few at most. */
    static final int STRICT_MAX_QUESTIONS = 16;

    /**
     * Parses a message that must be DNS and nothing but DNS, for telling DNS apart from other UDP payloads on a port that
     * is not DNS's: a known opcode, the reserved Z bit clear, 1 to {@value #STRICT_MAX_QUESTIONS} questions, every counted
     * section whole, and no byte left over. Random or other protocols' bytes fail one of these almost surely.
     */
    public static DnsMessage parseStrictly(byte[] message) throws MalformedFrameException {
        if (message.length < HEADER_LENGTH) {
            throw new MalformedFrameException("DNS message of " + message.length + " bytes is shorter than its 12-byte header");
        }
        int flags = ((message[2] & 0xff) << 8) | (message[3] & 0xff);
        int opcode = (flags >>> 11) & 0xf;
        if (opcode == 3 || opcode > 6) {
            throw new MalformedFrameException("opcode " + opcode + " is unassigned");
        }
        if ((flags & 0x0040) != 0) {
            throw new MalformedFrameException("the reserved Z bit is set");
        }
        int questions = ((message[4] & 0xff) << 8) | (message[5] & 0xff);
        if (questions < 1 || questions > STRICT_MAX_QUESTIONS) {
            throw new MalformedFrameException(questions + " questions, not 1 to " + STRICT_MAX_QUESTIONS);
        }
        Parser p = new Parser(message);
        DnsMessage m = p.message();
        if (p.pos != message.length) {
            throw new MalformedFrameException((message.length - p.pos) + " bytes after the last record");
        }
        return m;
    }

    /** Name text, its uncompressed wire form, and where the name ended in the bytes it was read from. */
    private record Name(String text, byte[] wire, int end) {}

    private static final class Parser {
        private final byte[] m;
        private int pos = HEADER_LENGTH;
        private boolean seenOpt;

        Parser(byte[] m) {
            this.m = m;
        }

        DnsMessage message() throws MalformedFrameException {
            if (m.length < HEADER_LENGTH) {
                throw new MalformedFrameException("DNS message of " + m.length + " bytes is shorter than its 12-byte header");
            }
            int qd = u16(4);
            int an = u16(6);
            int ns = u16(8);
            int ar = u16(10);
            List<Question> questions = new ArrayList<>();
            for (int i = 0; i < qd; i++) {
                if (pos >= m.length) {
                    throw countError(qd, "question", "questions", i);
                }
                int start = pos;
                Name name = name(pos, m.length, "message");
                pos = name.end();
                if (pos + 4 > m.length) {
                    throw new MalformedFrameException("question at offset " + start + " is cut short: "
                            + (m.length - pos) + " of 4 bytes of type and class");
                }
                questions.add(new Question(name.text(), u16(pos), u16(pos + 2)));
                pos += 4;
            }
            List<Record> answers = section(an, "answer", "answers", 0);
            List<Record> authority = section(ns, "authority record", "authority records", 1);
            List<Record> additional = section(ar, "additional record", "additional records", 2);
            // bytes after the last counted record are ignored, as resolvers do (some stacks pad)
            return new DnsMessage(u16(0), u16(2), questions, answers, authority, additional);
        }

        private MalformedFrameException countError(int count, String one, String many, int found) {
            return new MalformedFrameException("header counts " + count + " " + (count == 1 ? one : many)
                    + " but the message ends after " + found);
        }

        private List<Record> section(int count, String one, String many, int which) throws MalformedFrameException {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (pos >= m.length) {
                    throw countError(count, one, many, i);
                }
                records.add(record(which));
            }
            return records;
        }

        private Record record(int section) throws MalformedFrameException {
            int start = pos;
            Name owner = name(pos, m.length, "message");
            int p = owner.end();
            if (p + 10 > m.length) {
                throw new MalformedFrameException("record at offset " + start + " is cut short: " + (m.length - p)
                        + " of 10 bytes of type, class, TTL and rdlength");
            }
            int type = u16(p);
            int klass = u16(p + 2);
            long ttl = u32(p + 4);
            int rdlength = u16(p + 8);
            int rdStart = p + 10;
            int rdEnd = rdStart + rdlength;
            if (rdEnd > m.length) {
                throw new MalformedFrameException("record at offset " + start + " runs past the end (rdlength "
                        + rdlength + ", " + (m.length - rdStart) + " bytes left)");
            }
            pos = rdEnd;
            String where = DnsType.name(type) + " record at offset " + start;
            if (type == DnsType.OPT) {
                if (section != 2) {
                    throw new MalformedFrameException(where + " is outside the additional section");
                }
                if (seenOpt) {
                    throw new MalformedFrameException("second " + where + " (RFC 6891 allows one)");
                }
                if (!owner.text().equals(".")) {
                    throw new MalformedFrameException(where + " is owned by " + owner.text() + ", not the root");
                }
                seenOpt = true;
                byte[] rdata = Arrays.copyOfRange(m, rdStart, rdEnd);
                return new Record(owner.text(), type, klass, ttl, rdata, optText(klass, ttl, m, rdStart, rdEnd, where));
            }
            Out rdata = new Out(Math.max(16, rdlength));
            String text = rdata(type, rdStart, rdEnd, where, rdata);
            return new Record(owner.text(), type, klass, ttl, rdata.toArray(), text);
        }

        /** Decodes rdata into its presentation text, writing it to out with any names uncompressed. */
        private String rdata(int type, int from, int to, String where, Out out) throws MalformedFrameException {
            int length = to - from;
            switch (type) {
                case DnsType.A -> {
                    fixed(length, 4, where);
                    out.bytes(m, from, 4);
                    return Ip4.toString(Ip4.read(m, from));
                }
                case DnsType.AAAA -> {
                    fixed(length, 16, where);
                    out.bytes(m, from, 16);
                    return ipv6(m, from);
                }
                case DnsType.NS, DnsType.CNAME, DnsType.PTR -> {
                    Name target = rdName(from, to, where, out);
                    done(target.end(), to, where);
                    return target.text();
                }
                case DnsType.MX -> {
                    atLeast(length, 3, where);
                    out.bytes(m, from, 2);
                    Name exchange = rdName(from + 2, to, where, out);
                    done(exchange.end(), to, where);
                    return u16(from) + " " + exchange.text();
                }
                case DnsType.SOA -> {
                    Name mname = rdName(from, to, where, out);
                    Name rname = rdName(mname.end(), to, where, out);
                    int p = rname.end();
                    if (to - p != 20) {
                        throw new MalformedFrameException(where + " has " + (to - p)
                                + " bytes after its names where serial, refresh, retry, expire and minimum need 20");
                    }
                    out.bytes(m, p, 20);
                    return mname.text() + " " + rname.text() + " " + u32(p) + " " + u32(p + 4) + " " + u32(p + 8)
                            + " " + u32(p + 12) + " " + u32(p + 16);
                }
                case DnsType.SRV -> {
                    atLeast(length, 7, where);
                    out.bytes(m, from, 6);
                    Name target = rdName(from + 6, to, where, out);
                    done(target.end(), to, where);
                    return u16(from) + " " + u16(from + 2) + " " + u16(from + 4) + " " + target.text();
                }
                case DnsType.TXT -> {
                    if (length == 0) {
                        return "\\# 0"; // not even one (empty) string: only the generic form can say that
                    }
                    StringBuilder sb = new StringBuilder();
                    int p = from;
                    while (p < to) {
                        int len = m[p] & 0xff;
                        if (p + 1 + len > to) {
                            throw new MalformedFrameException("TXT string at offset " + p + " (length " + len
                                    + ") runs past the end of the " + where);
                        }
                        sb.append(sb.length() == 0 ? "" : " ");
                        quoted(sb, m, p + 1, len);
                        p += 1 + len;
                    }
                    out.bytes(m, from, length);
                    return sb.toString();
                }
                case DnsType.CAA -> {
                    atLeast(length, 2, where);
                    int tagLength = m[from + 1] & 0xff;
                    if (tagLength == 0 || 2 + tagLength > length) {
                        throw new MalformedFrameException(where + " has a tag length of " + tagLength
                                + " in rdata of " + length + " bytes");
                    }
                    StringBuilder sb = new StringBuilder().append(m[from] & 0xff).append(' ');
                    escaped(sb, m, from + 2, tagLength);
                    sb.append(' ');
                    quoted(sb, m, from + 2 + tagLength, length - 2 - tagLength);
                    out.bytes(m, from, length);
                    return sb.toString();
                }
                case DnsType.DS, DnsType.CDS -> {
                    // RFC 4034 5.3: key tag, algorithm, digest type, the digest in hex (dig: upper case)
                    atLeast(length, 5, where);
                    out.bytes(m, from, length);
                    return u16(from) + " " + (m[from + 2] & 0xff) + " " + (m[from + 3] & 0xff) + " "
                            + HexFormat.of().withUpperCase().formatHex(m, from + 4, to);
                }
                case DnsType.DNSKEY, DnsType.CDNSKEY -> {
                    // RFC 4034 2.2: flags, protocol, algorithm, the key in base64
                    atLeast(length, 5, where);
                    out.bytes(m, from, length);
                    return u16(from) + " " + (m[from + 2] & 0xff) + " " + (m[from + 3] & 0xff) + " " + base64(from + 4, to);
                }
                case DnsType.RRSIG -> {
                    // RFC 4034 3.2: type covered, algorithm, labels, original TTL, expiration and inception as
                    // YYYYMMDDHHmmSS (UTC), key tag, signer's name, the signature in base64
                    atLeast(length, 19, where);
                    out.bytes(m, from, 18);
                    Name signer = rdName(from + 18, to, where, out);
                    if (signer.end() >= to) {
                        throw new MalformedFrameException(where + " has no signature after the signer's name");
                    }
                    out.bytes(m, signer.end(), to - signer.end());
                    return DnsType.name(u16(from)) + " " + (m[from + 2] & 0xff) + " " + (m[from + 3] & 0xff) + " " + u32(from + 4)
                            + " " + time(u32(from + 8)) + " " + time(u32(from + 12)) + " " + u16(from + 16) + " " + signer.text()
                            + " " + base64(signer.end(), to);
                }
                case DnsType.NSEC -> {
                    // RFC 4034 4.2: the next owner name, then the types present, from the window bitmaps
                    Name next = rdName(from, to, where, out);
                    StringBuilder sb = new StringBuilder(next.text());
                    int p = next.end();
                    int lastWindow = -1;
                    while (p < to) {
                        if (p + 2 > to) {
                            throw new MalformedFrameException(where + " has a type bitmap cut short at offset " + p);
                        }
                        int window = m[p] & 0xff;
                        int len = m[p + 1] & 0xff;
                        if (window <= lastWindow || len < 1 || len > 32 || p + 2 + len > to) {
                            throw new MalformedFrameException(where + " has a bad type bitmap window " + window + " (length " + len
                                    + ") at offset " + p);
                        }
                        for (int i = 0; i < len; i++) {
                            int bits = m[p + 2 + i] & 0xff;
                            for (int bit = 0; bit < 8; bit++) {
                                if ((bits & (0x80 >>> bit)) != 0) {
                                    sb.append(' ').append(DnsType.name(window * 256 + i * 8 + bit));
                                }
                            }
                        }
                        lastWindow = window;
                        p += 2 + len;
                    }
                    out.bytes(m, next.end(), to - next.end());
                    return sb.toString();
                }
                case DnsType.SVCB, DnsType.HTTPS -> {
                    return svcb(from, to, where, out);
                }
                default -> {
                    out.bytes(m, from, length);
                    return generic(m, from, length);
                }
            }
        }

        private String base64(int from, int to) {
            return java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(m, from, to));
        }

        /** RFC 4034 3.2: seconds since 1970 as YYYYMMDDHHmmSS in UTC. */
        private static String time(long seconds) {
            return java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)
                    .format(java.time.Instant.ofEpochSecond(seconds).atOffset(java.time.ZoneOffset.UTC));
        }

        /** RFC 9460 2.2: priority, target, then key=value parameters in presentation form (as dig shows them). */
        private String svcb(int from, int to, String where, Out out) throws MalformedFrameException {
            atLeast(to - from, 3, where);
            out.bytes(m, from, 2);
            Name target = rdName(from + 2, to, where, out);
            StringBuilder sb = new StringBuilder().append(u16(from)).append(' ').append(target.text());
            int p = target.end();
            int lastKey = -1;
            while (p < to) {
                if (p + 4 > to) {
                    throw new MalformedFrameException(where + " has a parameter cut short at offset " + p);
                }
                int key = u16(p);
                int len = u16(p + 2);
                int v = p + 4;
                if (key <= lastKey || v + len > to) {
                    throw new MalformedFrameException(where + " has a bad parameter " + key + " (length " + len + ") at offset " + p
                            + (key <= lastKey ? ": keys must be in increasing order" : ""));
                }
                sb.append(' ').append(svcKey(key));
                switch (key) {
                    case 0 -> { // mandatory: keys
                        if (len == 0 || len % 2 != 0) {
                            throw new MalformedFrameException(where + " has a mandatory list of " + len + " bytes");
                        }
                        sb.append('=');
                        for (int i = v; i < v + len; i += 2) {
                            sb.append(i == v ? "" : ",").append(svcKey(u16(i)));
                        }
                    }
                    case 1 -> { // alpn: length-prefixed ids, shown as one quoted comma-separated list
                        StringBuilder ids = new StringBuilder();
                        for (int i = v; i < v + len; ) {
                            int n = m[i] & 0xff;
                            if (n == 0 || i + 1 + n > v + len) {
                                throw new MalformedFrameException(where + " has a bad alpn id at offset " + i);
                            }
                            ids.append(i == v ? "" : ",");
                            for (int k = i + 1; k < i + 1 + n; k++) {
                                int c = m[k] & 0xff;
                                if (c == ',' || c == '\\') {
                                    ids.append('\\'); // RFC 9460 A.1: escaped in the list, and again by the quoting
                                }
                                ids.append((char) c);
                            }
                            i += 1 + n;
                        }
                        byte[] b = ids.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        sb.append('=');
                        quoted(sb, b, 0, b.length);
                    }
                    case 2 -> { // no-default-alpn: no value
                        if (len != 0) {
                            throw new MalformedFrameException(where + " has a no-default-alpn with a value");
                        }
                    }
                    case 3 -> {
                        fixed(len, 2, where + " port");
                        sb.append('=').append(u16(v));
                    }
                    case 4, 6 -> { // ipv4hint, ipv6hint
                        int size = key == 4 ? 4 : 16;
                        if (len == 0 || len % size != 0) {
                            throw new MalformedFrameException(where + " has an address hint of " + len + " bytes");
                        }
                        sb.append('=');
                        for (int i = v; i < v + len; i += size) {
                            sb.append(i == v ? "" : ",").append(size == 4 ? Ip4.toString(Ip4.read(m, i)) : ipv6(m, i));
                        }
                    }
                    case 5 -> sb.append('=').append(java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(m, v, v + len)));
                    default -> {
                        if (len > 0) {
                            sb.append('=');
                            quoted(sb, m, v, len);
                        }
                    }
                }
                lastKey = key;
                p = v + len;
            }
            out.bytes(m, target.end(), to - target.end());
            return sb.toString();
        }

        private static String svcKey(int key) {
            return switch (key) {
                case 0 -> "mandatory";
                case 1 -> "alpn";
                case 2 -> "no-default-alpn";
                case 3 -> "port";
                case 4 -> "ipv4hint";
                case 5 -> "ech";
                case 6 -> "ipv6hint";
                case 7 -> "dohpath";
                default -> "key" + key;
            };
        }

        private static void fixed(int length, int expected, String where) throws MalformedFrameException {
            if (length != expected) {
                throw new MalformedFrameException(where + " has rdlength " + length + ", not " + expected);
            }
        }

        private static void atLeast(int length, int minimum, String where) throws MalformedFrameException {
            if (length < minimum) {
                throw new MalformedFrameException(where + " has rdlength " + length + ", too short (at least " + minimum + ")");
            }
        }

        private static void done(int end, int to, String where) throws MalformedFrameException {
            if (end != to) {
                throw new MalformedFrameException(where + " has " + (to - end) + " stray bytes at the end of its rdata");
            }
        }

        private Name rdName(int from, int to, String where, Out out) throws MalformedFrameException {
            Name name = name(from, to, "rdata of the " + where);
            out.bytes(name.wire(), 0, name.wire().length);
            return name;
        }

        /**
         * Reads a possibly compressed name starting at start, whose uncompressed part must end before limit.
         * Each pointer must point before the start of the run of labels that holds it: strictly backwards, never
         * into the name itself, so no sequence of pointers can loop.
         */
        Name name(int start, int limit, String within) throws MalformedFrameException {
            byte[] wire = new byte[MAX_NAME];
            int n = 0;
            StringBuilder text = new StringBuilder();
            int p = start;
            int runStart = start; // where the current run of labels began: the pointer target must be before it
            int end = -1;
            int pointers = 0;
            int bound = limit;
            while (true) {
                if (p >= bound) {
                    throw new MalformedFrameException("name at offset " + start + " runs past the end of the "
                            + (pointers == 0 ? within : "message"));
                }
                int b = m[p] & 0xff;
                if ((b & 0xc0) == 0xc0) {
                    if (p + 1 >= bound) {
                        throw new MalformedFrameException("compression pointer at offset " + p + " is cut off");
                    }
                    int target = ((b & 0x3f) << 8) | (m[p + 1] & 0xff);
                    if (target >= p) {
                        throw new MalformedFrameException("compression pointer at offset " + p + " points "
                                + (target == p ? "into itself" : "forward to " + target));
                    }
                    if (target >= runStart) {
                        throw new MalformedFrameException("compression pointer at offset " + p
                                + " points back into its own name (" + target + "), a loop");
                    }
                    if (target < HEADER_LENGTH) {
                        throw new MalformedFrameException("compression pointer at offset " + p
                                + " points into the header (" + target + ")");
                    }
                    if (++pointers > MAX_POINTERS) {
                        throw new MalformedFrameException("name at offset " + start + " follows more than "
                                + MAX_POINTERS + " compression pointers");
                    }
                    if (end < 0) {
                        end = p + 2;
                    }
                    p = target;
                    runStart = target;
                    bound = m.length; // earlier names were bounded when they were read; here, only the message
                } else if ((b & 0xc0) != 0) {
                    throw new MalformedFrameException(String.format(Locale.ROOT,
                            "label at offset %d has type 0x%02x (extended labels, RFC 6891 section 5, are not supported)",
                            p, b & 0xc0));
                } else if (b == 0) {
                    wire[n++] = 0;
                    p++;
                    break;
                } else {
                    if (p + 1 + b > bound) {
                        throw new MalformedFrameException("label at offset " + p + " (length " + b
                                + ") runs past the end of the " + (pointers == 0 ? within : "message"));
                    }
                    if (n + 1 + b + 1 > MAX_NAME) {
                        throw new MalformedFrameException("name at offset " + start + " exceeds 255 octets");
                    }
                    System.arraycopy(m, p, wire, n, 1 + b);
                    n += 1 + b;
                    escaped(text, m, p + 1, b);
                    text.append('.');
                    p += 1 + b;
                }
            }
            if (end < 0) {
                end = p;
            }
            return new Name(text.length() == 0 ? "." : text.toString(), Arrays.copyOf(wire, n), end);
        }

        private int u16(int o) {
            return ((m[o] & 0xff) << 8) | (m[o + 1] & 0xff);
        }

        private long u32(int o) {
            return Ip4.read(m, o) & 0xffffffffL;
        }
    }

    // ---------------------------------------------------------------- presentation helpers

    /** RFC 6891 OPT contents as key=value words: "udp=1232 version=0 do cookie=...". */
    static String optText(int udpSize, long ttl, byte[] b, int from, int to) {
        try {
            return optText(udpSize, ttl, b, from, to, "OPT record");
        } catch (MalformedFrameException e) {
            return "udp=" + udpSize + " (" + e.getMessage() + ")";
        }
    }

    private static String optText(int udpSize, long ttl, byte[] b, int from, int to, String where)
            throws MalformedFrameException {
        StringBuilder sb = new StringBuilder("udp=").append(udpSize);
        sb.append(" version=").append((ttl >>> 16) & 0xff);
        if ((ttl & 0x8000) != 0) {
            sb.append(" do");
        }
        long extended = (ttl >>> 24) & 0xff;
        if (extended != 0) {
            sb.append(" ext-rcode=").append(extended);
        }
        int p = from;
        while (p < to) {
            if (p + 4 > to) {
                throw new MalformedFrameException("EDNS option at offset " + p + " of the " + where
                        + " is cut short: " + (to - p) + " of 4 bytes of code and length");
            }
            int code = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
            int len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (p + 4 + len > to) {
                throw new MalformedFrameException("EDNS option " + code + " at offset " + p + " of the " + where
                        + " runs past the end of its rdata (length " + len + ")");
            }
            String name = switch (code) {
                case 3 -> "nsid";
                case 8 -> "ecs";
                case 10 -> "cookie";
                case 11 -> "keepalive";
                case 12 -> "padding";
                case 15 -> "ede";
                default -> "opt" + code;
            };
            sb.append(' ').append(name).append('=').append(HexFormat.of().formatHex(b, p + 4, p + 4 + len));
            p += 4 + len;
        }
        return sb.toString();
    }

    /** RFC 3597 generic rdata: "\# 4 C6120202". */
    static String generic(byte[] b, int from, int length) {
        String s = "\\# " + length;
        return length == 0 ? s : s + " " + HexFormat.of().withUpperCase().formatHex(b, from, from + length);
    }

    /** RFC 5952: lowercase, no leading zeros, the longest run (first if tied) of two or more zero groups as "::". */
    static String ipv6(byte[] b, int from) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[from + 2 * i] & 0xff) << 8) | (b[from + 2 * i + 1] & 0xff);
        }
        // IPv4-mapped addresses keep their dotted quad (RFC 5952 section 5), as dig shows them
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            return "::ffff:" + Ip4.toString(Ip4.read(b, from + 12));
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** A label or CAA tag with dig's escapes: backslash before specials, \DDD for unprintable octets. */
    static void escaped(StringBuilder sb, byte[] b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            int c = b[i] & 0xff;
            if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' || c == '$') {
                sb.append('\\').append((char) c);
            } else if (c <= 0x20 || c >= 0x7f) {
                decimal(sb, c);
            } else {
                sb.append((char) c);
            }
        }
    }

    /** dig's \DDD: a backslash and the octet as exactly three decimal digits. */
    private static void decimal(StringBuilder sb, int octet) {
        sb.append('\\').append((char) ('0' + octet / 100)).append((char) ('0' + octet / 10 % 10))
                .append((char) ('0' + octet % 10));
    }

    /** A character-string in double quotes, as dig writes TXT and CAA values. */
    static void quoted(StringBuilder sb, byte[] b, int from, int length) {
        sb.append('"');
        for (int i = from; i < from + length; i++) {
            int c = b[i] & 0xff;
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c < 0x20 || c >= 0x7f) {
                decimal(sb, c);
            } else {
                sb.append((char) c);
            }
        }
        sb.append('"');
    }

    /** A growable byte buffer, big-endian. */
    private static final class Out {
        private byte[] b;
        private int n;

        Out(int capacity) {
            b = new byte[capacity];
        }

        int length() {
            return n;
        }

        void u8(int v) {
            room(1);
            b[n++] = (byte) v;
        }

        void u16(int v) {
            room(2);
            b[n++] = (byte) (v >>> 8);
            b[n++] = (byte) v;
        }

        void u32(long v) {
            room(4);
            Ip4.write((int) v, b, n);
            n += 4;
        }

        void bytes(byte[] src, int from, int length) {
            room(length);
            System.arraycopy(src, from, b, n, length);
            n += length;
        }

        private void room(int more) {
            if (n + more > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(b, n);
        }
    }
}
