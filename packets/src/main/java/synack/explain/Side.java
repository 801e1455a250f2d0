package synack.explain;

/**
 * The two ends of a conversation seen in a capture. {@code A} began it (sent the SYN, the DNS
 * query, the ARP request); {@code B} answered. When a capture starts mid-stream, A is the side
 * first seen sending, and the story says the roles were assumed.
 */
public enum Side {
    A, B;

    public Side other() {
        return this == A ? B : A;
    }
}
