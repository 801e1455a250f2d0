package synack.wire;

/** A frame from the wire that cannot be decoded; the message says why, for the annotation. */
public final class MalformedFrameException extends Exception {
    public MalformedFrameException(String why) {
        super(why);
    }
}
