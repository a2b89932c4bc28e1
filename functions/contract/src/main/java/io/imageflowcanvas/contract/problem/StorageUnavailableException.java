package io.imageflowcanvas.contract.problem;

/** The object store could not be reached or failed on its side: 503, worth retrying. */
public class StorageUnavailableException extends UnavailableException {

    public StorageUnavailableException(String message, Throwable cause) {
        super("storage-unavailable", null, message, cause);
    }
}
