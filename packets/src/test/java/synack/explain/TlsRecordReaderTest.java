package synack.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record reader's room follows the bytes that came, not the length a header claims (thousands of connections may say 18 KiB). */
class TlsRecordReaderTest {
    @Test
    void aHeaderAloneHoldsNoRoomForTheLengthItClaims() {
        List<Integer> lengths = new ArrayList<>();
        TlsRecordReader r = new TlsRecordReader(new TlsRecordReader.Handler() {
            @Override
            public void record(int type, int version, int length, byte[] fragment, long missing, long timeMicros, long frame) {
                lengths.add(length);
            }

            @Override
            public void lostSync(long missing, long timeMicros, long frame) {
            }

            @Override
            public void notTls(byte[] first, int n, long timeMicros, long frame) {
            }
        });
        r.feed(new byte[] {0x16, 0x03, 0x01, 0x48, 0x00}, 0, 5, 0, 1); // a handshake record of 18432 bytes, announced
        assertTrue(r.room() <= 512, "room held for bytes not yet come: " + r.room());
        byte[] body = new byte[0x4800];
        r.feed(body, 0, body.length, 1, 2);
        assertEquals(List.of(0x4800), lengths, "the record, once whole, is read");
    }
}
