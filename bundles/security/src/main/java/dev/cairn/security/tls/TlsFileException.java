package dev.cairn.security.tls;

import java.io.IOException;
import java.nio.file.Path;

/** A TLS file that exists but cannot be used; the message names the file and what to do about it. */
public final class TlsFileException extends IOException {

    private final Path file;

    TlsFileException(Path file, String problem, Throwable cause) {
        super("TLS file " + file + " " + problem, cause);
        this.file = file;
    }

    TlsFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
