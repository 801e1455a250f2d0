package synack.exchange.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record layer read from a byte stream however TCP cut it. */
class RecordStreamTest {
    static byte[] record(int type, int length) {
        byte[] r = new byte[5 + length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (length >> 8);
        r[4] = (byte) length;
        for (int i = 0; i < length; i++) {
            r[5 + i] = (byte) (i * 7 + type);
        }
        return r;
    }

    @Test
    void recordsComeWholeWhateverTheCuts() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[][] shapes = {{22, 300}, {20, 1}, {23, 16_401}, {21, 2}, {23, 0}, {23, 18_432}};
        for (int[] s : shapes) {
            all.writeBytes(record(s[0], s[1]));
        }
        byte[] stream = all.toByteArray();
        for (int cut : new int[] {1, 3, 5, 6, 1448, 20_000, stream.length}) {
            RecordStream rs = new RecordStream();
            List<TlsRecord> got = new ArrayList<>();
            for (int i = 0; i < stream.length; i += cut) {
                RecordStream.Chunk c = rs.feed(Arrays.copyOfRange(stream, i, Math.min(stream.length, i + cut)));
                assertEquals(0, c.garbage().length, "cut " + cut);
                got.addAll(c.records());
            }
            assertEquals(shapes.length, got.size(), "cut " + cut);
            for (int i = 0; i < shapes.length; i++) {
                assertEquals(shapes[i][0], got.get(i).type());
                assertEquals(0x0303, got.get(i).version());
                assertArrayEquals(record(shapes[i][0], shapes[i][1]), got.get(i).wire());
                assertEquals(shapes[i][1], got.get(i).length());
            }
            assertEquals(0, rs.pendingBytes());
            assertFalse(rs.broken());
        }
    }

    @Test
    void bytesThatAreNotRecordsAreHandedBackAsTheyCame() {
        RecordStream rs = new RecordStream();
        byte[] good = record(22, 10);
        byte[] http = "HTTP/1.1 400 Bad Request\r\n".getBytes();
        byte[] both = new byte[good.length + http.length];
        System.arraycopy(good, 0, both, 0, good.length);
        System.arraycopy(http, 0, both, good.length, http.length);
        RecordStream.Chunk c = rs.feed(both);
        assertEquals(1, c.records().size());
        assertArrayEquals(http, c.garbage());
        assertTrue(rs.broken());
        assertArrayEquals(new byte[] {1, 2}, rs.feed(new byte[] {1, 2}).garbage(), "from there on, passed as is");
    }

    @Test
    void aBadHeaderIsSeenBeforeItsFiveBytesAreIn() {
        assertArrayEquals(new byte[] {'H'}, new RecordStream().feed(new byte[] {'H'}).garbage());
        assertArrayEquals(new byte[] {22, 9}, new RecordStream().feed(new byte[] {22, 9}).garbage(), "major version 9");
        assertEquals(0, new RecordStream().feed(new byte[] {22, 3}).garbage().length, "could be a record yet");
        byte[] tooLong = {23, 3, 3, (byte) 0x48, 0x01};
        assertArrayEquals(tooLong, new RecordStream().feed(tooLong).garbage(), "over 2^14 + 2048");
    }
}
