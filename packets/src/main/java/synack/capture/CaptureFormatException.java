package synack.capture;

import java.io.IOException;

/**
 * The file is not a capture synack reads (not pcap nor pcapng, or its file header is cut). The
 * message is one line for the user: the file's name, what it is not, and why.
 */
public final class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }
}
