/** A Java program that does nothing: the JVM's own start and exit (bench/picocli-floor.sh). */
public class Plain {
    public static void main(String[] args) {
        if (args.length > 1 && !args[0].equals("-q")) {
            System.out.println(args[1]);
        }
    }
}
