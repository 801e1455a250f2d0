package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.event.Verdict;
import synack.exchange.Runner;
import synack.exchange.tcp.TcpConversation;
import synack.link.MemoryLink;
import synack.time.VirtualClock;
import synack.wire.Ip4;

/** A body that cannot be written (a closed pipe: http-get --compressed URL | head) is an error told, never a crash. */
class HttpAppBrokenPipeTest {
    @Test
    void aBrokenPipeWhileDecodingGzipIsAnErrorNotACrash() throws Exception {
        byte[] gz = HttpAppTest.gzip(HttpAppTest.body(200_000));
        SimulatedNetwork net = new SimulatedNetwork().server(HttpAppTest.WWW, 80, h -> HttpAppTest.encoded("gzip", gz, false));
        List<HttpRequest> requests = List.of(HttpRequest.get(HttpUrl.parse("http://" + HttpAppTest.WWW + "/"), false, true, true, List.of()));
        VirtualClock clock = new VirtualClock(JourneyRun.T0);
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        HttpApp app = new HttpApp(requests, true, broken);
        TcpConversation conv = new TcpConversation(new TcpConversation.Path(SimulatedNetwork.OUR_MAC, SimulatedNetwork.OUR_IP,
                SimulatedNetwork.ROUTER_MAC, Ip4.parse(HttpAppTest.WWW), false), JourneyRun.tcp(41_000, 80, 1460), app, "http-get", 1);
        MemoryLink[] wire = MemoryLink.pair(clock, 500);
        wire[1].respondWith(net::answer);
        List<Event> events = new ArrayList<>();
        new Runner(wire[0], clock, events::add).run(conv, () -> clock.nowMicros() > JourneyRun.T0 + 600_000_000L);
        Event.Result r = (Event.Result) events.get(events.size() - 1);
        assertNotNull(app.error());
        assertEquals(Verdict.NEGATIVE, r.verdict());
    }
}
