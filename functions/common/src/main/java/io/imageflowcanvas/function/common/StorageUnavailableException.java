package io.imageflowcanvas.function.common;

/** The object store could not be reached or failed on its side: 503, worth retrying. */
public class StorageUnavailableException extends StepException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String problemKind() {
        return "storage-unavailable";
    }
}
