package dev.modelmanager.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Runs a Gogo command inside the framework under test and answers what it printed or returned. */
final class Gogo {
    private Gogo() {
    }

    static String run(CommandProcessor commands, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = commands.createSession(System.in, out, out);
        try {
            Object result = session.execute(command);
            return result == null ? bytes.toString(StandardCharsets.UTF_8) : String.valueOf(result);
        } finally {
            session.close();
        }
    }
}
