package dev.modelmanager.provider.remote.internal;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * A tensor a KServe v2 server sent (or describes) is not what the model's use needs: missing, of another datatype,
 * of another shape, or with data that does not fill its shape. {@link #field()} and {@link #tensor()} name it; the
 * code is {@link ErrorCode#INFERENCE_FAILED} for answers and {@link ErrorCode#LOAD_FAILED} for metadata.
 */
final class TensorException extends ModelException {
    private static final long serialVersionUID = 1L;

    TensorException(ErrorCode code, String modelId, String tensor, String message) {
        super(code, modelId, tensor, message, null);
    }

    /** The tensor concerned. */
    String tensor() {
        return field();
    }

    @Override
    public ModelException forModel(String id) {
        if (java.util.Objects.equals(id, modelId())) {
            return this;
        }
        TensorException copy = new TensorException(code(), id, field(), reason());
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
