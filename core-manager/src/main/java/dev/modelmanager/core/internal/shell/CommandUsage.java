package dev.modelmanager.core.internal.shell;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Parameter;

/**
 * The one-line usage of a Gogo command, read from the methods that implement it (their parameter names and
 * {@link Parameter} options), e.g. {@code usage: model:load <model-id> [<seconds>]}. Overloads that add parameters
 * to a shorter one show them as optional; others are joined with {@code |}.
 */
final class CommandUsage {
    /** Gogo calls a method of this name when no method of the command takes the arguments given. */
    static final String FALLBACK = "_main";

    private CommandUsage() {
    }

    static ShellError error(Class<?> commands, String scope, String function) {
        return new ShellError(of(commands, scope, function));
    }

    static String of(Class<?> commands, String scope, String function) {
        List<List<String>> forms = new ArrayList<>();
        for (Method m : commands.getMethods()) {
            String name = m.getName().toLowerCase(Locale.ROOT);
            if (!m.getName().equals(FALLBACK) && m.getDeclaringClass() != Object.class
                && (name.equals(function.toLowerCase(Locale.ROOT)) || name.equals("_" + function.toLowerCase(Locale.ROOT)))) {
                forms.add(words(m));
            }
        }
        forms.sort(Comparator.comparingInt((List<String> f) -> f.size()).thenComparing(Object::toString));
        String command = scope + ":" + function;
        return "usage: " + (command + " " + synopsis(forms)).strip() + "  (help " + command + ")";
    }

    private static String synopsis(List<List<String>> forms) {
        if (forms.isEmpty()) {
            return "";
        }
        for (int i = 1; i < forms.size(); i++) {
            List<String> shorter = forms.get(i - 1);
            List<String> longer = forms.get(i);
            if (longer.size() == shorter.size() || !longer.subList(0, shorter.size()).equals(shorter)) {
                return String.join(" | ", forms.stream().map(f -> String.join(" ", f)).toList());
            }
        }
        String optional = "";
        for (int i = forms.size() - 1; i > 0; i--) {
            List<String> added = forms.get(i).subList(forms.get(i - 1).size(), forms.get(i).size());
            optional = "[" + String.join(" ", added) + (optional.isEmpty() ? "" : " " + optional) + "]";
        }
        return (String.join(" ", forms.get(0)) + " " + optional).strip();
    }

    /** Options first, as Gogo takes them anywhere, then the positional parameters in order. */
    private static List<String> words(Method m) {
        List<String> options = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        java.lang.reflect.Parameter[] parameters = m.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            java.lang.reflect.Parameter p = parameters[i];
            if (CommandSession.class.isAssignableFrom(p.getType())) {
                continue;
            }
            String name = "<" + words(p) + ">";
            Parameter option = p.getAnnotation(Parameter.class);
            if (option != null) {
                boolean flag = !Parameter.UNSPECIFIED.equals(option.presentValue());
                options.add("[" + option.names()[0] + (flag ? "" : " " + name) + "]");
            } else {
                positional.add(name + (m.isVarArgs() && i == parameters.length - 1 ? "..." : ""));
            }
        }
        options.addAll(positional);
        return options;
    }

    /** {@code modelId} as {@code model-id}. */
    private static String words(java.lang.reflect.Parameter p) {
        String name = p.isNamePresent() ? p.getName() : p.getType().getSimpleName();
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
