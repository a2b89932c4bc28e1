/**
 * The object store images are read from and written to (the MinIO SDK on any S3-compatible server), with the client
 * tuned for step-sized requests.
 */
package io.imageflowcanvas.imaging.storage;
