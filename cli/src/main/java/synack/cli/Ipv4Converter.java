package synack.cli;

import picocli.CommandLine;
import synack.wire.Ip4;

/** An IPv4 address option (-S): a dotted quad, nothing else. */
public final class Ipv4Converter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            return Ip4.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
