package io.imageflowcanvas.local.backup;

/**
 * A backup or restore refused because of what it was given (a target folder that is not empty, a damaged backup,
 * a data folder in use): the input is wrong, nothing was written, trying again unchanged will not help.
 */
public final class BackupException extends IllegalArgumentException {

    public BackupException(String message) {
        super(message);
    }
}
