package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;

/** What a web server sends is the network's input: a Location no DNS name can be ends the run with a negative answer, never a crash. */
class HttpJourneyBadNameTest {
    @Test
    void aLocationWithAnOverlongLabelIsABadLocationNotACrash() {
        String label = "a".repeat(64);
        SimulatedNetwork net = new SimulatedNetwork().name("www.synack.test", HttpJourneyTest.WWW)
                .server(HttpJourneyTest.WWW, 80, h -> SimulatedNetwork.Reply.of("HTTP/1.1 302 Found\r\nLocation: http://" + label
                        + ".synack.test/\r\nContent-Length: 0\r\n\r\n", new byte[0], false));
        JourneyRun run = new JourneyRun(net);
        run.follow = true;
        Event.Result r = run.run("http://www.synack.test/old");
        assertEquals(Verdict.NEGATIVE, r.verdict(), r.summary());
    }
}
