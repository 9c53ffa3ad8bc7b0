package dev.modelmanager.internal.natives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders per bundle revision: earlier revisions' folders go, other files stay; outside OSGi there is none. */
class RevisionFolderTest {
    @TempDir
    Path dir;

    @Test
    void outsideOsgiThereIsNoRevisionFolderAndNothingIsRemoved() throws Exception {
        Files.createDirectories(dir.resolve("r3-100/lib"));
        assertThat(RevisionFolder.name(RevisionFolderTest.class, "r")).isEmpty();
        assertThat(RevisionFolder.forRevisionOf(RevisionFolderTest.class, dir, "r")).isEmpty();
        assertThat(dir.resolve("r3-100/lib")).isDirectory();
    }

    @Test
    void theFoldersOfOtherRevisionsWithThePrefixAreRemoved() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("r3-100/deep")).resolve("libjllama.so"), "old");
        Files.createDirectories(dir.resolve("r7-200"));
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("r-file"), "a file, not a folder");

        RevisionFolder.removeOthers(dir, "r", "r7-200");

        assertThat(dir.resolve("r3-100")).doesNotExist();
        assertThat(dir.resolve("r7-200")).isDirectory();
        assertThat(dir.resolve("other")).as("not a revision folder").isDirectory();
        assertThat(dir.resolve("r-file")).exists();
        RevisionFolder.removeOthers(dir.resolve("missing"), "r", "r7-200");
    }

    @Test
    void anEmptyPrefixTakesEveryOtherFolder() throws Exception {
        Files.createDirectories(dir.resolve("3-100/native/lib"));
        Files.createDirectories(dir.resolve("7-200"));
        RevisionFolder.removeOthers(dir, "", "7-200");
        assertThat(dir.resolve("3-100")).doesNotExist();
        assertThat(dir.resolve("7-200")).isDirectory();
    }

    @Test
    void deleteTreeTakesEverythingUnderTheFolder() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("a/b/c")).resolve("f"), "x");
        RevisionFolder.deleteTree(dir.resolve("a"));
        assertThat(dir.resolve("a")).doesNotExist();
        RevisionFolder.deleteTree(dir.resolve("a"));
    }
}
