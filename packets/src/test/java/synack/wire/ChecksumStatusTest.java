package synack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a received transport checksum is told as: valid, left to offload (the field holds the pseudo-header sum), or wrong. */
class ChecksumStatusTest {
    private static final int PSEUDO = ChecksumStatus.pseudoHeaderSum(Ip4.parse("198.18.2.2"), Ip4.parse("198.18.1.2"), 6, 64);

    /** A 64-byte "segment" whose checksum field (bytes 16-17) is {@code field}, bytes 40-41 chosen so its sum verifies. */
    private static byte[] verifying(int field, long seed) {
        byte[] b = new byte[64];
        new Random(seed).nextBytes(b);
        b[16] = (byte) (field >>> 8);
        b[17] = (byte) field;
        b[40] = 0;
        b[41] = 0;
        int fix = ~Checksum.sum(b, 0, b.length, PSEUDO) & 0xffff; // the one's-complement sum then reaches 0xffff
        b[40] = (byte) (fix >>> 8);
        b[41] = (byte) fix;
        return b;
    }

    private static int field(byte[] b) {
        return (b[16] & 0xff) << 8 | b[17] & 0xff;
    }

    @Test
    void aSumThatVerifiesIsValid() {
        byte[] b = verifying(0x1234, 1);
        assertEquals(ChecksumStatus.VALID, ChecksumStatus.of(b, 0, b.length, PSEUDO, field(b)));
    }

    @Test
    void aFieldHoldingThePseudoHeaderSumIsLeftToOffloadUnsummed() {
        // as Linux leaves it for the NIC (CHECKSUM_PARTIAL): the rest of the bytes do not verify
        byte[] b = verifying(PSEUDO, 2);
        b[50] ^= 0x5a;
        assertEquals(ChecksumStatus.OFFLOADED, ChecksumStatus.of(b, 0, b.length, PSEUDO, PSEUDO));
        // and the same field in a segment that happens to verify: told as offloaded too (its field is the offload's mark)
        byte[] coincidence = verifying(PSEUDO, 3);
        assertEquals(0, ~Checksum.sum(coincidence, 0, coincidence.length, PSEUDO) & 0xffff, "this one verifies");
        assertEquals(ChecksumStatus.OFFLOADED, ChecksumStatus.of(coincidence, 0, coincidence.length, PSEUDO, PSEUDO));
        // one's complement has two zeros: 0xffff in the field is the pseudo-header sum 0x0000 and the reverse
        assertEquals(ChecksumStatus.OFFLOADED, ChecksumStatus.of(b, 0, b.length, 0, 0xffff));
    }

    @Test
    void anyOtherFieldThatDoesNotVerifyIsWrong() {
        byte[] b = verifying(0x1234, 4);
        b[50] ^= 0x01;
        assertEquals(ChecksumStatus.WRONG, ChecksumStatus.of(b, 0, b.length, PSEUDO, field(b)));
    }
}
