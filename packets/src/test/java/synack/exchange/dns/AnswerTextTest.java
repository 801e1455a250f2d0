package synack.exchange.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.wire.DnsMessage;
import synack.wire.DnsType;

/** The record line is written by hand (no Formatter on a one-name lookup's path): it must stay dig's layout. */
class AnswerTextTest {
    @Test
    void aRecordLineIsLaidOutAsTheFormatPatternWouldLayIt() {
        Random random = new Random(14);
        String[] owners = {"www.synack.test.", "a.", "a-very-long-owner-name.example.synack.test.", "x.y.z.example.", ""};
        long[] ttls = {0, 5, 300, 86400, 999999, 1234567, 0xffffffffL};
        for (int i = 0; i < 200; i++) {
            String owner = owners[random.nextInt(owners.length)];
            long ttl = ttls[random.nextInt(ttls.length)];
            DnsMessage.Record r = random.nextBoolean()
                    ? DnsMessage.Record.a(owner, ttl, random.nextInt())
                    : DnsMessage.Record.pointing(owner, random.nextBoolean() ? DnsType.CNAME : DnsType.NS, ttl, "target" + i + ".synack.test.");
            String expected = String.format(Locale.ROOT, "%-24s %6d  IN  %-6s %s", r.name(), r.ttl(), DnsType.name(r.type()), r.rdataText());
            assertEquals(expected, AnswerText.line(r));
        }
    }
}
