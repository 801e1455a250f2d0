package synack.wire;

/**
 * A validity rule of neighbour discovery (RFC 4861 6.1, 7.1, 8.1) that a message breaks: the
 * receiving kernel silently discards it. Found at parse time so a narrator can say why an
 * answer never came.
 */
public enum NdpViolation {
    /** Hop limit below 255: the message may come from off the link. */
    HOP_LIMIT_NOT_255("6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1"),
    CODE_NOT_ZERO("6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1"),
    /** The ICMPv6 checksum does not verify (left to offload is not a violation). */
    CHECKSUM_WRONG("6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1"),
    /** Router advertisements and redirects come only from a router's link-local address. */
    SOURCE_NOT_LINK_LOCAL("6.1.2, 8.1"),
    /** A solicitation or advertisement about a multicast address. */
    TARGET_MULTICAST("7.1.1, 7.1.2"),
    /** From "::" (a DAD probe or an address-less host) with a source link-layer option. */
    UNSPECIFIED_SOURCE_WITH_LINK_LAYER_OPTION("6.1.1, 7.1.1"),
    /** A solicitation from "::" not sent to a solicited-node multicast address. */
    UNSPECIFIED_SOURCE_NOT_TO_SOLICITED_NODE("7.1.1"),
    /** An advertisement to a multicast address with the Solicited flag set. */
    SOLICITED_TO_MULTICAST("7.1.2"),
    /** A redirect whose destination is multicast. */
    REDIRECT_DESTINATION_MULTICAST("8.1"),
    /** A redirect whose target is neither link-local nor the destination itself. */
    REDIRECT_TARGET_NOT_LINK_LOCAL("8.1");

    private final String sections;

    NdpViolation(String sections) {
        this.sections = sections;
    }

    /** The RFC 4861 sections stating the rule, for the narration. */
    public String sections() {
        return "RFC 4861 " + sections;
    }
}
