package synack.exchange.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyHashTest {
    /** FIPS 180-2's examples: the empty message and "abc". */
    @Test
    void knownDigests() {
        for (BodyHash h : new BodyHash[] {BodyHash.jdk(), BodyHash.start()}) {
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", h.hex());
        }
        for (BodyHash h : new BodyHash[] {BodyHash.jdk(), BodyHash.start()}) {
            h.update("xabcx".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1, 3);
            assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h.hex());
        }
    }

    /** libcrypto's and the JDK's alike over uneven pieces, some larger than the native buffer. */
    @Test
    void libcryptoAgreesWithTheJdk() {
        BodyHash libcrypto = BodyHash.libcrypto();
        // Debian's libcrypto (libssl3) is on every machine the tests run on (curl and nginx need it): a missing one fails here
        assertNotNull(libcrypto, "libcrypto (libcrypto.so.3 or .so.1.1) did not load");
        BodyHash jdk = BodyHash.jdk();
        Random random = new Random(14);
        byte[] data = new byte[3 * 1024 * 1024];
        random.nextBytes(data);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, random.nextInt(600 * 1024));
            libcrypto.update(data, at, n);
            jdk.update(data, at, n);
            at += n;
        }
        assertEquals(jdk.hex(), libcrypto.hex());
    }
}
