/**
 * The MinIO SDK's clients as the runner and the API servers make them: listings, bucket notifications, presigned
 * links. The functions and the CLI have their own client ({@code imaging.storage.S3Client}).
 */
package io.imageflowcanvas.server.storage;
