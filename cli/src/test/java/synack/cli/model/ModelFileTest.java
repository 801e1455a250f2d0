package synack.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import synack.cli.DurationConverter;
import synack.cli.Main;
import synack.cli.OneCommand;

/**
 * A one-liner's command model comes from the file the build wrote from the annotations
 * (synack.cli.model): it must be there for every one-liner, be the annotations' of this build, and
 * describe, parse and fail exactly as the model picocli reads from the annotations.
 */
class ModelFileTest {
    private static List<String> oneLiners() {
        List<String> names = new ArrayList<>();
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            if (OneCommand.command(name) != null) {
                names.add(name);
            }
        }
        return names;
    }

    @Test
    void everyOneLinerAndTheRootHaveAModelFileOfThisBuild() throws Exception {
        List<Object> commands = ModelWriter.commands();
        assertTrue(commands.size() >= 7, commands.toString());
        for (Object command : commands) {
            assertNotNull(ModelReader.spec(command), command.getClass() + " has no model file: the build writes it (process-classes)");
            String written;
            try (InputStream in = ModelReader.class.getResourceAsStream(ModelFile.resource(command.getClass()))) {
                written = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // what the writer makes of the annotations now: a file from an older build would differ
            Object fresh = command.getClass().getDeclaredConstructor().newInstance();
            assertEquals(ModelWriter.text(ModelWriter.annotated(fresh)), written, command.getClass().getSimpleName());
        }
    }

    @Test
    void aOneLinerRunsTheModelFromItsFile() {
        // the fallback to the annotations is silent: here it must not be what a one-liner gets
        for (String name : oneLiners()) {
            CommandSpec sub = Main.oneCommand(name, "--help").getSubcommands().get(name).getCommandSpec();
            long fromFile = sub.args().stream().filter(a -> a.getter() instanceof ModelReader.FieldValue).count();
            assertTrue(fromFile > 0 && fromFile == sub.args().stream().filter(a -> a.userObject() instanceof java.lang.reflect.Field).count(),
                    name + ": " + fromFile + " of its args bound by the model file");
        }
    }

    @Test
    void aFileThatDoesNotFitItsClassIsAnErrorTheOneLinerFallsBackFrom() {
        // a field renamed since the file was written (classes compiled over a build's): OneCommand reads the annotations
        String stale = ModelFile.line("command", "handshake") + ModelFile.line("mixin", "renamed", "synack.cli.TcpOptions");
        assertThrows(IllegalStateException.class, () -> ModelReader.spec(new synack.cli.commands.HandshakeCommand(),
                new java.io.BufferedReader(new java.io.StringReader(stale))));
        assertThrows(IllegalStateException.class, () -> ModelReader.spec(new synack.cli.commands.HandshakeCommand(),
                new java.io.BufferedReader(new java.io.StringReader(ModelFile.line("no-such-attribute", "x")))));
    }

    @Test
    void everyOptionAndPositionalHasTheAnnotationsAttributes() throws Exception {
        for (String name : oneLiners()) {
            CommandSpec annotated = new CommandLine(OneCommand.command(name)).getCommandSpec();
            CommandSpec fromFile = ModelReader.spec(OneCommand.command(name));
            assertEquals(annotated.name(), fromFile.name());
            assertEquals(Arrays.asList(annotated.aliases()), Arrays.asList(fromFile.aliases()));
            assertEquals(annotated.options().size(), fromFile.options().size(), name);
            assertEquals(annotated.positionalParameters().size(), fromFile.positionalParameters().size(), name);
            for (int i = 0; i < annotated.options().size(); i++) {
                assertEquals(attributes(annotated.options().get(i)), attributes(fromFile.options().get(i)), name);
            }
            for (int i = 0; i < annotated.positionalParameters().size(); i++) {
                assertEquals(attributes(annotated.positionalParameters().get(i)), attributes(fromFile.positionalParameters().get(i)), name);
            }
        }
    }

    private static String attributes(ArgSpec a) {
        return ModelWriter.describe(a);
    }

    @Test
    void eachOptionAndPositionalParsesToTheSameValuesOrTheSameMistake() throws Exception {
        int vectors = 0;
        for (String name : oneLiners()) {
            CommandSpec reference = new CommandLine(OneCommand.command(name)).getCommandSpec();
            List<String> positionals = new ArrayList<>();
            for (PositionalParamSpec p : reference.positionalParameters()) {
                if (p.arity().min() > 0) {
                    positionals.add(sample(p));
                }
            }
            List<List<String>> cases = new ArrayList<>();
            cases.add(positionals);
            cases.add(List.of()); // a positional missing (where one is required)
            cases.add(append(positionals, "--no-such-option"));
            for (OptionSpec o : reference.options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String value = o.arity().max() == 0 ? null : sample(o);
                for (String n : o.names()) {
                    cases.add(value == null ? append(positionals, n) : append(positionals, n, value));
                }
                if (value != null) {
                    cases.add(append(positionals, o.longestName(), "not-a-" + o.paramLabel()));
                    cases.add(append(positionals, o.longestName())); // its value missing
                }
            }
            for (List<String> args : cases) {
                assertEquals(parse(CommandLine::new, name, args), parse(c -> new CommandLine(ModelReader.spec(c)), name, args),
                        name + " " + args);
                vectors++;
            }
        }
        assertTrue(vectors > 100, vectors + " argument vectors");
    }

    private static String parse(java.util.function.Function<Object, CommandLine> model, String name, List<String> args) throws Exception {
        Object command = OneCommand.command(name);
        CommandLine cli = model.apply(command);
        try {
            cli.parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            return "mistake: " + e.getMessage();
        }
        return values(command);
    }

    /** Every field of the command and of its mixins (the CommandSpec left out), by name. */
    private static String values(Object o) throws IllegalAccessException {
        TreeMap<String, String> m = new TreeMap<>();
        for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType() == CommandSpec.class) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(o);
                boolean mixin = f.isAnnotationPresent(CommandLine.Mixin.class);
                m.put(f.getName(), mixin && v != null ? values(v) : deep(v));
            }
        }
        return m.toString();
    }

    private static String deep(Object v) {
        if (v instanceof java.util.Collection) {
            List<String> items = new ArrayList<>();
            for (Object item : (java.util.Collection<?>) v) {
                items.add(deep(item));
            }
            return items.toString();
        }
        return v instanceof Object[] ? Arrays.deepToString((Object[]) v) : v instanceof boolean[] ? Arrays.toString((boolean[]) v)
                : v instanceof int[] ? Arrays.toString((int[]) v) : String.valueOf(v);
    }

    /** A value of the arg's kind: an address, a port, a duration, one of its candidates. */
    private static String sample(ArgSpec a) {
        if (a.completionCandidates() != null && a.completionCandidates().iterator().hasNext()) {
            return a.completionCandidates().iterator().next();
        }
        if (a.converters().length > 0 && a.converters()[0] instanceof DurationConverter) {
            return "250ms";
        }
        Class<?> t = a.typeInfo().isMultiValue() && a.auxiliaryTypes().length > 0 ? a.auxiliaryTypes()[0] : a.type();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "80";
        }
        return "198.18.2.2";
    }

    private static List<String> append(List<String> head, String... tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(Arrays.asList(tail));
        return out;
    }
}
