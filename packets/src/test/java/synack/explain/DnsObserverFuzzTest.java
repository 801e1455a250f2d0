package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import synack.event.Event;
import synack.wire.DnsMessage;
import synack.wire.DnsType;
import synack.wire.IpAddress;

/** Hostile payloads: every datagram is told (one frame each), nothing throws, and TCP framing survives any bytes. */
class DnsObserverFuzzTest {
    @Test
    void randomAndMutatedDatagramsAreEachToldOnceWithoutAnException() throws Exception {
        Random random = new Random(16);
        DnsObserverTest capture = new DnsObserverTest();
        byte[] good = DnsObserverTest.answer(0x4242, DnsObserverTest.NAME, DnsMessage.AA, 3).toBytes();
        int datagrams = 3_000;
        for (int i = 0; i < datagrams; i++) {
            byte[] payload;
            if (i % 2 == 0) {
                payload = new byte[random.nextInt(80)];
                random.nextBytes(payload);
            } else { // a real answer with a few bytes flipped and maybe cut: nearer to what a parser trips on
                payload = java.util.Arrays.copyOf(good, 1 + random.nextInt(good.length));
                for (int k = 0; k < 3; k++) {
                    payload[random.nextInt(payload.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            boolean toServer = random.nextBoolean();
            capture.observer.udp(toServer
                    ? capture.udp(i, DnsObserverTest.CLIENT, DnsObserverTest.PORT, DnsObserverTest.SERVER, 53, payload)
                    : capture.udp(i, DnsObserverTest.SERVER, 53, DnsObserverTest.CLIENT, DnsObserverTest.PORT, payload));
        }
        capture.observer.finish(DnsObserverTest.T0 + 10_000_000);
        long frames = capture.events.stream().filter(e -> e instanceof Event.Frame).count();
        assertEquals(datagrams, frames);
        assertTrue(capture.observer.exchanges().size() <= datagrams);
    }

    @Test
    void randomTcpBytesNeverThrowAndAGoodMessageAfterAResetSideIsStillRead() {
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        DnsObserver observer = new DnsObserver(events::add);
        for (int s = 0; s < 200; s++) {
            StreamListener tcp = observer.overTcp(s, IpAddress.of(DnsObserverTest.CLIENT), 41_000 + s, IpAddress.of(DnsObserverTest.SERVER), 53, events::add);
            for (int k = 0; k < 20; k++) {
                byte[] chunk = new byte[random.nextInt(300)];
                random.nextBytes(chunk);
                tcp.bytes(random.nextBoolean() ? Side.A : Side.B, DnsObserverTest.T0 + k, k + 1, chunk, 0, chunk.length);
            }
            tcp.captureEnded(DnsObserverTest.T0 + 100);
        }
        StreamListener clean = observer.overTcp(999, IpAddress.of(DnsObserverTest.CLIENT), 50_000, IpAddress.of(DnsObserverTest.SERVER), 53, events::add);
        byte[] q = DnsObserverTest.framed(DnsMessage.query(0x0999, DnsObserverTest.NAME, DnsType.A, true, 0));
        clean.bytes(Side.A, DnsObserverTest.T0 + 200, 1, q, 0, q.length);
        observer.finish(DnsObserverTest.T0 + 300);
        assertTrue(observer.exchanges().stream().anyMatch(x -> x.id() == 0x0999 && x.tcpStream() == 999));
    }
}
