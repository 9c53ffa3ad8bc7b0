package dev.modelmanager.core.internal.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Component;

/**
 * What a word that is no command answers: {@code unknown command: model:lsit (did you mean model:list?)}.
 * <p>
 * Gogo hands a word it cannot resolve to a command named {@code default}, in any scope, with the word put in front
 * of the arguments. It looks for {@code *:default} as a name first, then for the first {@code <scope>:default} it
 * meets; {@code model:default} was that one, so a model id typed alone became the default model, and a typo in a
 * command name became a model id. Registered under scope {@code *}, this command is the one Gogo finds, in the
 * interactive shell and in {@code -c} alike.
 */
@Component(service = UnknownCommand.class, property = {
    "osgi.command.scope=*",
    "osgi.command.function=default"
})
public final class UnknownCommand {
    /** Gogo's session variables that list the command names and the variable names. */
    private static final String COMMANDS = ".commands";
    private static final String VARIABLES = ".variables";
    /** Set by Gogo while it hands an unknown word here; unset when {@code default} itself was typed. */
    private static final String HANDING_OVER = ".defaultLock";

    @Descriptor("Answers a word that is no command: says so, and names the nearest commands")
    public Object _default(CommandSession session, @Descriptor("the word, then its arguments") Object... words) {
        String command = session.get(HANDING_OVER) != null && words.length > 0 ? String.valueOf(words[0]) : "default";
        throw new ShellError(message(command, names(session)));
    }

    static String message(String command, Collection<String> names) {
        List<String> nearest = NearestCommand.to(command, names);
        return "unknown command: " + command + (nearest.isEmpty() ? "" : " (did you mean " + NearestCommand.or(nearest) + "?)");
    }

    /** Every command, and the session's closures (the profile's {@code exit}, say). */
    private static List<String> names(CommandSession session) {
        List<String> names = new ArrayList<>();
        if (session.get(COMMANDS) instanceof Collection<?> commands) {
            commands.forEach(c -> names.add(String.valueOf(c)));
        }
        if (session.get(VARIABLES) instanceof Collection<?> variables) {
            for (Object variable : variables) {
                String name = String.valueOf(variable);
                // '.x' are Gogo's own, '#x' computed values (#TERM, #COLUMNS)
                if (!name.startsWith(".") && !name.startsWith("#") && session.get(name) instanceof Function) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
