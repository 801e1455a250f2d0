package synack.cli.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.shell.jline3.PicocliCommands;
import synack.cli.Interrupts;
import synack.cli.LiveHost;
import synack.cli.Main;
import synack.cli.RunContext;

/**
 * The interactive shell (JLine 3): every command with completion of commands, options and
 * values, history kept in ~/.synack_history, Ctrl-C stops the running exchange (cleaning up as
 * a one-liner does) and returns to the prompt, Ctrl-D leaves.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"An interactive shell: every command, with tab completion and history (also: synack with no arguments on a terminal)."},
        footer = {"", "Ctrl-C stops the running exchange and returns to the prompt; Ctrl-D or 'exit' leaves."})
public final class ShellCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        KeptConnections.shellStarted();
        // every command typed here remembers neighbours and names, and may keep connections open
        CommandLine cli = Main.commandLine(new RunContext(LiveHost.KERNEL, SessionCaches.MEMORY, KeptConnections.KEEPER));
        cli.getCommandSpec().removeSubcommand("shell");
        cli.addSubcommand("connections", new ConnectionsCommand());
        cli.addSubcommand("send", new SendCommand());
        cli.setOut(cli.getOut()).setErr(cli.getErr()); // the shell's own commands share the model's streams too
        org.jline.reader.impl.completer.SystemCompleter model = new PicocliCommands(cli).compileCompleters();
        model.compile();
        org.jline.reader.Completer completer = (lineReader, parsed, candidates) -> {
            List<String> words = parsed.words();
            String previous = parsed.wordIndex() > 0 ? words.get(parsed.wordIndex() - 1) : "";
            if (previous.equals("-i") || previous.equals("--interface")) {
                // live values, so they stay out of the generated completion scripts
                synack.net.LocalInterface.names().forEach(n -> candidates.add(new org.jline.reader.Candidate(n)));
                return;
            }
            if (parsed.wordIndex() > 0 && !parsed.word().startsWith("-")) {
                SessionCaches.hostsSeen().forEach(h -> candidates.add(new org.jline.reader.Candidate(h, h, "seen", null, null, null, true)));
            }
            model.complete(lineReader, parsed, candidates);
        };
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(null); // let 'GET / HTTP/1.1\r\n' reach the command as typed
        try (Terminal terminal = TerminalBuilder.builder().name("synack").system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("synack")
                    .completer(completer)
                    .parser(parser)
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".synack_history"))
                    .variable(LineReader.HISTORY_SIZE, 5000)
                    .build();
            // Ctrl-C while a command runs: ask the exchange to stop instead of ending the JVM
            terminal.handle(Terminal.Signal.INT, signal -> Interrupts.request());
            String prompt = new AttributedStringBuilder()
                    .style(AttributedStyle.BOLD.foreground(AttributedStyle.CYAN)).append("synack")
                    .style(AttributedStyle.DEFAULT).append("> ").toAnsi(terminal);
            terminal.writer().println("synack shell — tab completes, Ctrl-C stops an exchange, Ctrl-D leaves. Try: help");
            terminal.flush();
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: a fresh line
                } catch (EndOfFileException e) {
                    KeptConnections.abortAll();
                    return 0;
                }
                String trimmed = line.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.equals("exit") || trimmed.equals("quit")) {
                    KeptConnections.abortAll();
                    return 0;
                }
                Interrupts.reset();
                String[] words = reader.getParser().parse(trimmed, trimmed.length()).words().stream()
                        .filter(w -> !w.isEmpty()).toArray(String[]::new);
                SessionCaches.seen(words);
                int code = cli.execute(words);
                cli.getOut().flush(); // the command's stdout is buffered: all of it before the prompt comes back
                if (Interrupts.requested()) {
                    terminal.writer().println("(interrupted; exit " + code + ")");
                } else if (code != 0) {
                    terminal.writer().println("(exit " + code + ")");
                }
                terminal.flush();
                Interrupts.reset();
            }
        }
    }
}
