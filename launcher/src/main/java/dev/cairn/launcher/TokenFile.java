package dev.cairn.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code --token-file}: a file whose content, trimmed, is the cluster token. */
final class TokenFile {

    private TokenFile() {
    }

    /**
     * Reads the token; {@code origin} names the file and the setting that named it for errors, which never quote
     * the content.
     */
    static String read(Path path, String origin) throws SettingsException {
        String token;
        try {
            token = Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new SettingsException("cannot read " + origin + ": the file does not exist");
        } catch (AccessDeniedException e) {
            throw new SettingsException("cannot read " + origin + ": permission denied");
        } catch (IOException e) {
            throw new SettingsException("cannot read " + origin + ": " + e.getMessage(), e);
        }
        if (token.isEmpty()) {
            throw new SettingsException("cannot use " + origin + ": the file is empty");
        }
        return token;
    }
}
