package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The warm-up's own handshakes (a self-signed key made by hand in DER) go all the way, in both versions. */
class TlsWarmupTest {
    @Test
    void bothHandshakesComplete() {
        long t0 = System.nanoTime();
        TlsWarmup.run();
        TlsWarmup.run(); // once per JVM
        assertEquals(2, TlsWarmup.completed(), "TLS 1.3 and 1.2, each connected, answered and closed");
        System.out.println("TlsWarmup: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
}
