package synack.exchange.dns;

import java.util.List;
import java.util.Locale;
import synack.event.Verdict;
import synack.wire.DnsMessage;
import synack.wire.DnsName;
import synack.wire.DnsType;

/**
 * A CI check on an answer, written TYPE=VALUE (A=198.18.2.2, MX=10 mail.synack.test, RCODE=NXDOMAIN).
 *
 * @param recordType for {@link Subject#RECORD}, the type whose records must hold the value
 */
public record DnsExpectation(Subject subject, int recordType, String value) {
    /** What the check reads: the answer's rcode, or its records of one type. */
    public enum Subject { RCODE, RECORD }

    public static DnsExpectation parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--expect wants TYPE=VALUE, e.g. A=198.18.2.2 or RCODE=NXDOMAIN, not '" + text + "'");
        }
        String type = text.substring(0, eq).trim().toUpperCase(Locale.ROOT);
        String value = text.substring(eq + 1).trim();
        if (type.equals("RCODE")) {
            return new DnsExpectation(Subject.RCODE, 0, value);
        }
        return new DnsExpectation(Subject.RECORD, DnsType.parse(type), value); // rejects unknown types with a clear message
    }

    public boolean heldBy(DnsMessage answer) {
        return switch (subject) {
            case RCODE -> answer.rcodeName().equalsIgnoreCase(value);
            case RECORD -> answer.answers().stream().anyMatch(r -> r.type() == recordType && sameData(r, value));
        };
    }

    /** The data as the user wrote it against the record's presentation; a name compares as a name (RFC 4343). */
    private static boolean sameData(DnsMessage.Record r, String written) {
        if (r.type() == DnsType.NS || r.type() == DnsType.CNAME || r.type() == DnsType.PTR) {
            try {
                return DnsName.same(r.target(), written);
            } catch (IllegalArgumentException e) {
                return false; // not a name at all
            }
        }
        return normal(r.rdataText()).equals(normal(written));
    }

    /** The expectations an answer does not meet, as written. */
    public static List<String> unmet(List<DnsExpectation> expectations, DnsMessage answer) {
        return expectations.stream().filter(e -> !e.heldBy(answer)).map(DnsExpectation::toString).toList();
    }

    /** OK, or NEGATIVE for an error rcode (unless an RCODE expectation asked for it) or any unmet expectation. */
    public static Verdict verdict(List<DnsExpectation> expectations, DnsMessage answer, List<String> unmet) {
        boolean rcodeExpected = expectations.stream().anyMatch(e -> e.subject() == Subject.RCODE);
        return (answer.rcode() != 0 && !rcodeExpected) || !unmet.isEmpty() ? Verdict.NEGATIVE : Verdict.OK;
    }

    private static String normal(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public String toString() {
        return (subject == Subject.RCODE ? "RCODE" : DnsType.name(recordType)) + "=" + value;
    }
}
