import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The smallest picocli program shaped like a one-liner (bench/picocli-floor.sh): six options, one positional. */
@Command(name = "hello", mixinStandardHelpOptions = true, sortOptions = false)
public class Hello implements Runnable {
    @Option(names = {"-q", "--quiet"}, description = "quiet") boolean quiet;
    @Option(names = {"-p", "--port"}, description = "port") int port = 80;
    @Option(names = "-i", description = "interface") String iface;
    @Option(names = "--json", description = "JSON lines") boolean json;
    @Option(names = "--retries", description = "retries") int retries = 3;
    @Option(names = "--msl", description = "MSL") String msl;
    @Parameters(index = "0") String host;

    @Override
    public void run() {
        if (!quiet) {
            System.out.println(host + ":" + port);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Hello()).execute(args));
    }
}
