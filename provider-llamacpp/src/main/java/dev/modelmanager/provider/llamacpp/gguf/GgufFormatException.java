package dev.modelmanager.provider.llamacpp.gguf;

import java.io.IOException;

/** The file is not a GGUF file, or not a whole one; the message says why. */
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public GgufFormatException(String message) {
        super(message);
    }
}
