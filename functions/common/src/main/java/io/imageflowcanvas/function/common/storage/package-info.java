/**
 * The object store a step reads and writes (the MinIO SDK on any S3-compatible server), with the client tuned for
 * step-sized requests.
 */
package io.imageflowcanvas.function.common.storage;
