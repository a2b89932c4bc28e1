/**
 * HTTP/1.1 on sockets of its own, for the few requests the functions and the CLI make (S3 requests, a runner's
 * API): no client library to make at start.
 */
package io.imageflowcanvas.imaging.http;
