package synack.wire;

import java.util.Locale;

/**
 * DNS resource record types and the one class that matters (IN), with the mnemonics dig uses.
 * Every type named here has its presentation format decoded (DnsMessage); the others are written the RFC 3597 way, "TYPE65", and parse back from it.
 */
public final class DnsType {
    public static final int A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, SRV = 33,
            OPT = 41, DS = 43, RRSIG = 46, NSEC = 47, DNSKEY = 48, CDS = 59, CDNSKEY = 60, SVCB = 64, HTTPS = 65, ANY = 255,
            CAA = 257;
    public static final int IN = 1;

    private DnsType() {}

    /** "a", "AAAA", "TYPE65" (any case) to the type number; anything else is an IllegalArgumentException. */
    public static int parse(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        Integer known = switch (upper) {
            case "A" -> A;
            case "NS" -> NS;
            case "CNAME" -> CNAME;
            case "SOA" -> SOA;
            case "PTR" -> PTR;
            case "MX" -> MX;
            case "TXT" -> TXT;
            case "AAAA" -> AAAA;
            case "SRV" -> SRV;
            case "OPT" -> OPT;
            case "ANY" -> ANY;
            case "CAA" -> CAA;
            case "DS" -> DS;
            case "RRSIG" -> RRSIG;
            case "NSEC" -> NSEC;
            case "DNSKEY" -> DNSKEY;
            case "CDS" -> CDS;
            case "CDNSKEY" -> CDNSKEY;
            case "SVCB" -> SVCB;
            case "HTTPS" -> HTTPS;
            default -> null;
        };
        if (known != null) {
            return known;
        }
        // RFC 3597 generic form: TYPE followed by the decimal number, 0-65535
        if (upper.startsWith("TYPE") && upper.length() > 4 && upper.length() <= 9
                && upper.substring(4).chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(upper.substring(4));
            if (n <= 0xffff) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown record type: " + name);
    }

    public static String name(int type) {
        return switch (type) {
            case A -> "A";
            case NS -> "NS";
            case CNAME -> "CNAME";
            case SOA -> "SOA";
            case PTR -> "PTR";
            case MX -> "MX";
            case TXT -> "TXT";
            case AAAA -> "AAAA";
            case SRV -> "SRV";
            case OPT -> "OPT";
            case ANY -> "ANY";
            case CAA -> "CAA";
            case DS -> "DS";
            case RRSIG -> "RRSIG";
            case NSEC -> "NSEC";
            case DNSKEY -> "DNSKEY";
            case CDS -> "CDS";
            case CDNSKEY -> "CDNSKEY";
            case SVCB -> "SVCB";
            case HTTPS -> "HTTPS";
            default -> "TYPE" + type;
        };
    }

    /** Class mnemonics as dig prints them; "CLASS n" style (RFC 3597) for the rest. */
    static String className(int klass) {
        return switch (klass) {
            case IN -> "IN";
            case 3 -> "CH";
            case 4 -> "HS";
            case 254 -> "NONE";
            case 255 -> "ANY";
            default -> "CLASS" + klass;
        };
    }
}
