package synack.iface;

import synack.wire.ChecksumStatus;
import synack.wire.Ip4;

/** Test frames as a sending kernel with checksum offload leaves them on a veth: the pseudo-header sum, uncomplemented. */
public final class Offload {
    private Offload() {}

    public static byte[] leftToOffload(byte[] frame) {
        int ihl = (frame[14] & 0x0f) * 4;
        int total = ((frame[16] & 0xff) << 8) | (frame[17] & 0xff);
        int protocol = frame[14 + 9] & 0xff;
        int at = 14 + ihl + (protocol == 6 ? 16 : 6);
        int partial = ChecksumStatus.pseudoHeaderSum(Ip4.read(frame, 14 + 12), Ip4.read(frame, 14 + 16), protocol, total - ihl);
        frame[at] = (byte) (partial >>> 8);
        frame[at + 1] = (byte) partial;
        return frame;
    }
}
