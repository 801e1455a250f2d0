package synack.capture;

/**
 * Something wrong with a capture file, found while reading it: where ({@code fileOffset}, the byte
 * at which the damaged record or block begins), after which frame ({@code afterFrame}: the number of
 * the last packet record before it, 0 at the start), what ({@code kind}) and, for people, the
 * {@code detail} in words. The reader goes on where it can (see each kind) and stops where it cannot.
 */
public record CaptureProblem(long fileOffset, long afterFrame, Kind kind, String detail) {
    public enum Kind {
        /** The file ends inside a record or block header or body: the reader stops there. */
        TRUNCATED_FILE,
        /** A record claims more captured bytes than synack reads of one frame (256 KiB): skipped, not read. */
        CAPTURED_LENGTH_TOO_LARGE,
        /** A record claims more captured bytes than the snapshot length of its file or interface: delivered anyway. */
        CAPTURED_LENGTH_BEYOND_SNAPLEN,
        /** A record claims fewer bytes on the wire than were captured: the original length is taken as the captured one. */
        ORIGINAL_LENGTH_BELOW_CAPTURED,
        /** An interface (or the pcap file) has a link type synack does not decode: its frames come with link null. */
        UNSUPPORTED_LINK_TYPE,
        /** A file or section version synack was not written for: read as the known version anyway. */
        UNSUPPORTED_VERSION,
        /** A pcapng block length not a multiple of 4, below 12, past 16 MiB, or a bad byte-order magic: the reader stops. */
        BAD_BLOCK_LENGTH,
        /** A pcapng block whose trailing length differs from its leading one: the leading one is trusted. */
        BLOCK_LENGTH_MISMATCH,
        /** A pcapng block too short for its own fields (a packet longer than its block, an interface block cut): skipped. */
        BAD_BLOCK_BODY,
        /** A pcapng packet on an interface no Interface Description Block defined: counted, not delivered. */
        UNDEFINED_INTERFACE,
        /** An interface's if_tsresol beyond what a 64-bit timestamp can express: microseconds assumed. */
        BAD_TIMESTAMP_RESOLUTION,
    }

    @Override
    public String toString() {
        return "byte " + fileOffset + (afterFrame > 0 ? " (after frame " + afterFrame + ")" : "") + ": " + detail;
    }
}
