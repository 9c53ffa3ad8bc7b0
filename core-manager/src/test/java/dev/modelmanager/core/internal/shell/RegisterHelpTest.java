package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.RequirementProperties;

class RegisterHelpTest {
    private static final Pattern KEY = Pattern.compile("^  ([a-z_]+(?:\\.<key>)?) {2,}(\\S.*)$", Pattern.MULTILINE);

    @Test
    void helpModelRegisterListsExactlyTheKeysTheParserKnowsEachWithItsMeaning() throws Exception {
        List<String> keys = new ArrayList<>();
        Matcher m = KEY.matcher(RegisterHelp.TEXT);
        while (m.find()) {
            keys.add(m.group(1));
            assertThat(m.group(2)).as("the meaning of " + m.group(1)).hasSizeGreaterThan(10);
        }
        List<String> known = new ArrayList<>(RequirementProperties.KNOWN);
        known.add("option.<key>");
        assertThat(keys).containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void itIsWhatGogoPrintsForTheCommand() throws Exception {
        Descriptor d = ModelCommands.class.getMethod("register", org.apache.felix.service.command.CommandSession.class, String.class,
            String[].class).getAnnotation(Descriptor.class);
        assertThat(d.value()).isEqualTo(RegisterHelp.TEXT);
    }
}
