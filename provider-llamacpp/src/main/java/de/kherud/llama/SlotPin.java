package de.kherud.llama;

/**
 * Pins a completion to one of llama.cpp's parallel slots ({@code id_slot} of its server task), which java-llama.cpp
 * 4.2.0 reads from the request but offers no setter for. This class sits in java-llama.cpp's package inside the
 * provider bundle (the library is a private package of this bundle, loaded by the same class loader), so it can put
 * the key into the parameters the library turns into the request.
 */
public final class SlotPin {
    private SlotPin() {
    }

    /** Asks llama.cpp to run {@code params} in slot {@code slot} (0-based); a negative slot lets llama.cpp choose. */
    public static InferenceParameters pin(InferenceParameters params, int slot) {
        if (slot >= 0) {
            params.parameters.put("id_slot", Integer.toString(slot));
        }
        return params;
    }
}
