package synack.cli;

import picocli.CommandLine;
import synack.wire.IpAddress;

/**
 * An address option of either family (-S): a dotted quad or an IPv6 address, nothing else. A
 * zone (fe80::1%c0) is refused: -i names the link, and the source is the address alone.
 */
public final class IpAddressConverter implements CommandLine.ITypeConverter<IpAddress> {
    @Override
    public IpAddress convert(String value) {
        if (value.indexOf('%') >= 0) {
            throw new CommandLine.TypeConversionException("'" + value + "': give the address without its %zone, and the link with -i IFACE");
        }
        try {
            // each family's parser says what is wrong with its own kind of text
            return value.indexOf(':') >= 0 ? IpAddress.of(synack.wire.Ip6.parse(value)) : IpAddress.of(synack.wire.Ip4.parse(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
