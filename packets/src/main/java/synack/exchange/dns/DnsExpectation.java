package synack.exchange.dns;

import java.util.List;
import java.util.Locale;
import synack.wire.DnsMessage;
import synack.wire.DnsType;

/** A CI check on an answer, written TYPE=VALUE (A=198.18.2.2, MX=10 mail.synack.test, RCODE=NXDOMAIN). */
public record DnsExpectation(String type, String value) {
    public static DnsExpectation parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--expect wants TYPE=VALUE, e.g. A=198.18.2.2 or RCODE=NXDOMAIN, not '" + text + "'");
        }
        String type = text.substring(0, eq).trim().toUpperCase(Locale.ROOT);
        if (!type.equals("RCODE")) {
            DnsType.parse(type); // rejects unknown types with a clear message
        }
        return new DnsExpectation(type, text.substring(eq + 1).trim());
    }

    public boolean heldBy(DnsMessage answer) {
        if (type.equals("RCODE")) {
            return answer.rcodeName().equalsIgnoreCase(value);
        }
        int t = DnsType.parse(type);
        List<DnsMessage.Record> records = answer.answers();
        return records.stream().anyMatch(r -> r.type() == t && normal(r.rdataText()).equals(normal(value)));
    }

    /** The expectations an answer does not meet, as written. */
    public static List<String> unmet(List<DnsExpectation> expectations, DnsMessage answer) {
        return expectations.stream().filter(e -> !e.heldBy(answer)).map(DnsExpectation::toString).toList();
    }

    /** OK, or NEGATIVE for an error rcode (unless an RCODE expectation asked for it) or any unmet expectation. */
    public static synack.event.Verdict verdict(List<DnsExpectation> expectations, DnsMessage answer, List<String> unmet) {
        boolean rcodeExpected = expectations.stream().anyMatch(e -> e.type().equals("RCODE"));
        return (answer.rcode() != 0 && !rcodeExpected) || !unmet.isEmpty() ? synack.event.Verdict.NEGATIVE : synack.event.Verdict.OK;
    }

    private static String normal(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }
}
